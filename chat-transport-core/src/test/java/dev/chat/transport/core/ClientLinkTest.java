package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.in.ConnectUseCase;
import dev.chat.domain.port.in.DisconnectUseCase;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.StoreWaits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ClientLinkTest {
    private static final SessionToken TOKEN = new SessionToken("session-one-0123456789");

    private final List<SessionToken> disconnected = new ArrayList<>();
    private final List<SessionToken> quit = new ArrayList<>();
    private Consumer<ClientLink> duringConnect = link -> {};
    private RuntimeException connectFails;
    private ClientLink link;

    private final ClientConnection connection = new ClientConnection() {
        @Override
        public void send(OutboundEvent event) {}

        @Override
        public void close(CloseReason reason) {}
    };

    private final ChatUseCases useCases = new ChatUseCases(
            (conn, identity) -> {
                duringConnect.accept(link);
                if (connectFails != null) {
                    throw connectFails;
                }
                return TOKEN;
            },
            (session, cursor, conn) -> {
                if (!session.equals(TOKEN)) {
                    throw new ChatException(ErrorCode.UNAUTHORIZED, "unknown session");
                }
            },
            new dev.chat.domain.port.in.HandleCommandUseCase() {
                @Override
                public Ack handle(SessionToken session, ClientCommand command) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void authorize(SessionToken session) {}
            },
            new DisconnectUseCase() {
                @Override
                public void disconnect(SessionToken session, ClientConnection conn) {
                    disconnected.add(session);
                }

                @Override
                public void quit(SessionToken session, ClientConnection conn) {
                    quit.add(session);
                }

                @Override
                public void end(SessionToken session, CloseReason why) {
                    throw new UnsupportedOperationException();
                }
            });

    {
        link = new ClientLink(useCases, connection);
    }

    @Test
    void givenAnOpenLink_releaseDisconnectsOnceHoweverOftenItIsCalled() {
        assertThat(openWithoutLimits(Optional.empty())).isEmpty();
        assertThat(link.token()).contains(TOKEN);

        link.release();
        link.release();

        assertThat(disconnected).containsExactly(TOKEN);
        assertThat(link.token()).isEmpty();
    }

    @Test
    void givenTheOneTurnToOpen_aStoreCallInTheConnectLetsTheNextConnectionStartMeanwhile() {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        Admission.Entry admitted = admission.admit();
        List<Optional<Admission.Refusal>> nextAdmitted = new ArrayList<>();
        duringConnect = opening ->
                StoreWaits.waiting(() -> nextAdmitted.add(admission.admit().refusal()));

        assertThat(link.open(Optional.empty(), Cursor.EMPTY, Identity.ANONYMOUS, admitted))
                .isEmpty();

        assertThat(nextAdmitted).containsExactly(Optional.empty());
        assertThat(admission.openingCount())
                .as("the next one, and this one until the transport says opened")
                .isEqualTo(2);
    }

    @Test
    void givenAClientThatSaysGoodbye_theSessionIsEndedOnceInsteadOfDisconnected() {
        openWithoutLimits(Optional.empty());

        link.quit();
        link.release();

        assertThat(quit).containsExactly(TOKEN);
        assertThat(disconnected).isEmpty();
    }

    @Test
    void givenAGoodbyeWhileConnecting_theSessionIsEndedWhenConnectReturns() {
        duringConnect = ClientLink::quit;

        openWithoutLimits(Optional.empty());

        assertThat(quit).containsExactly(TOKEN);
        assertThat(disconnected).isEmpty();
    }

    @Test
    void givenTheClientVanishesWhileConnecting_theSessionIsDisconnectedWhenConnectReturns() {
        duringConnect = ClientLink::release; // the transport saw the close before connect() returned

        assertThat(openWithoutLimits(Optional.empty())).isEmpty();

        assertThat(disconnected).containsExactly(TOKEN);
        link.release();
        assertThat(disconnected).hasSize(1);
    }

    @Test
    void givenARefusedResume_nothingIsDisconnected() {
        Optional<ErrorEvent> refusal = openWithoutLimits(Optional.of(new SessionToken("some-other-session-0123")));

        assertThat(refusal).map(ErrorEvent::code).contains(ErrorCode.UNAUTHORIZED);
        link.release();
        assertThat(disconnected).isEmpty();
    }

    @Test
    void givenAConnectThatFailsUnexpectedly_theClientIsToldInternalAndNothingIsDisconnected() {
        connectFails = new IllegalStateException("bug");

        assertThat(openWithoutLimits(Optional.empty())).map(ErrorEvent::code).contains(ErrorCode.INTERNAL);
        link.release();
        assertThat(disconnected).isEmpty();
    }

    @Test
    void givenAReleaseBeforeOpen_openRefusesAndConnectsNothing() {
        link.release();

        assertThat(openWithoutLimits(Optional.empty())).isPresent();
        assertThat(disconnected).isEmpty();
    }

    @Test
    void givenAConnectThatFinishesLater_theClientVanishingMeanwhile_disconnectsTheSessionOnceItFinishes() {
        CompletableFuture<SessionToken> connecting = new CompletableFuture<>();
        ClientLink later = linkConnecting(connecting);

        CompletableFuture<Optional<ErrorEvent>> opened = later.openAsync(
                        Optional.empty(),
                        Cursor.EMPTY,
                        Identity.ANONYMOUS,
                        Admission.unlimited().admit())
                .toCompletableFuture();
        later.release(); // the transport saw the close while the stores were still answering

        assertThat(opened).isNotDone();
        assertThat(disconnected).isEmpty();
        connecting.complete(TOKEN);
        assertThat(opened.join()).isEmpty();
        assertThat(disconnected).containsExactly(TOKEN);
        assertThat(later.token()).isEmpty();
    }

    @Test
    void givenAConnectThatFailsLater_itsRefusalCompletesTheOpening_andNothingIsDisconnected() {
        CompletableFuture<SessionToken> connecting = new CompletableFuture<>();
        ClientLink later = linkConnecting(connecting);
        CompletableFuture<Optional<ErrorEvent>> opened = later.openAsync(
                        Optional.empty(),
                        Cursor.EMPTY,
                        Identity.ANONYMOUS,
                        Admission.unlimited().admit())
                .toCompletableFuture();

        connecting.completeExceptionally(new ChatException(ErrorCode.UNAVAILABLE, "store down"));

        assertThat(opened.join()).map(ErrorEvent::code).contains(ErrorCode.UNAVAILABLE);
        later.release();
        assertThat(disconnected).isEmpty();
    }

    /** A link whose connect returns {@code connecting}, to be completed by the test. */
    private ClientLink linkConnecting(CompletableFuture<SessionToken> connecting) {
        ConnectUseCase connect = new ConnectUseCase() {
            @Override
            public SessionToken connect(ClientConnection conn, Identity identity) {
                return connecting.join();
            }

            @Override
            public CompletionStage<SessionToken> connectAsync(ClientConnection conn, Identity identity) {
                return connecting;
            }
        };
        return new ClientLink(
                new ChatUseCases(connect, useCases.resume(), useCases.commands(), useCases.disconnect()), connection);
    }

    /** An anonymous open under no admission limits. */
    private Optional<ErrorEvent> openWithoutLimits(Optional<SessionToken> resume) {
        return link.open(
                resume, Cursor.EMPTY, Identity.ANONYMOUS, Admission.unlimited().admit());
    }
}
