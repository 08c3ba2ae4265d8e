package dev.chat.relay;

import static dev.chat.domain.contract.ContractSupport.uniqueNickname;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SessionRelay} must do on one node; adapters for several nodes test routing on their own. */
public abstract class SessionRelayContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Node node;

    /** One node's session store and relay, sharing what a node shares. */
    public record Node(SessionStore sessions, SessionRelay relay) {}

    protected abstract Node createNode();

    @BeforeEach
    void createRelay() {
        node = createNode();
    }

    @Test
    void givenSessionThisNodeServes_itsRequestIsAnsweredByThisNodesHandler() throws Exception {
        node.relay().serve("echo", (session, request) -> CompletableFuture.completedFuture(request + "!"));
        SessionRecord session = new SessionRecord(SessionToken.generate(), uniqueNickname(), Set.of(RoomName.GENERAL));
        node.sessions().create(session);

        assertThat(ask(session.token(), "echo", "hi")).isEqualTo("hi!");
        assertThat(ask(SessionToken.generate(), "echo", "unknown session")).isEqualTo("unknown session!");
    }

    @Test
    void givenHandlerThatRefuses_theAskerGetsTheRefusal() {
        node.relay().serve("refuse", (session, request) -> {
            throw new ChatException(ErrorCode.NOT_IN_ROOM, "not in room");
        });

        assertThatThrownBy(() -> ask(SessionToken.generate(), "refuse", ""))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
    }

    @Test
    void givenTopicServedTwiceOrNotAtAll_itIsAProgrammingError() {
        node.relay().serve("once", (session, request) -> CompletableFuture.completedFuture(""));

        assertThatThrownBy(() -> node.relay().serve("once", (session, request) -> null))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> node.relay().ask(SessionToken.generate(), "nobody", "", TIMEOUT))
                .isInstanceOf(IllegalStateException.class);
    }

    private String ask(SessionToken session, String topic, String request) throws Exception {
        return node.relay().ask(session, topic, request, TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
