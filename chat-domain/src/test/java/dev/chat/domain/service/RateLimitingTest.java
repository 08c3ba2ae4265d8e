package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.RateLimitedException;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.CommandRates;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RateLimitingTest {
    /**
     * Arrivals and departures go out at once (no burst window), so what a member heard is complete when a call
     * returns and "nobody was told" cannot pass on an event still held; PresenceBurstTest covers the window.
     */
    private static final ChatLimits EACH_AT_ONCE = ChatLimits.DEFAULTS.withPresenceBurstWindow(Duration.ZERO);

    private static final Instant START = Instant.parse("2026-11-30T12:00:00Z");
    private static final RateLimits LIMITS =
            new RateLimits(new RateLimits.Budget(10, 20), new RateLimits.Budget(5, 10), Duration.ofSeconds(10));

    private final SettableClock clock = new SettableClock(START);
    private final FixedBudgets rates = new FixedBudgets();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryEventBus bus = new InMemoryEventBus();
    private final ChatService chat = new ChatService(
            new ChatService.Ports(
                            new InMemorySessionStore(),
                            new InMemoryPresenceStore(),
                            new InMemoryMessageHistory(bus, 100),
                            bus,
                            new SeedNicknameGenerator(new Random(5)),
                            new CountingEncoder(),
                            clock,
                            scheduler)
                    .withRates(rates),
            EACH_AT_ONCE);

    @Test
    void givenAnExhaustedBudget_theCommandIsRefusedWithWhenToRetry_andNothingIsPosted() {
        RecordingConnection reader = new RecordingConnection();
        chat.connect(reader);
        SessionToken sender = chat.connect(new RecordingConnection());
        rates.allow(RateLimits.Kind.MESSAGES, 2);

        chat.handle(sender, message("one"));
        chat.handle(sender, message("two"));

        assertThatThrownBy(() -> chat.handle(sender, message("three")))
                .isInstanceOfSatisfying(RateLimitedException.class, refused -> {
                    assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(refused.retryAfter()).isEqualTo(FixedBudgets.WAIT);
                    assertThat(refused.sessionEnded()).isFalse();
                });
        assertThat(reader.received(ChatMessage.class))
                .extracting(ChatMessage::text)
                .containsExactly("one", "two");
    }

    @Test
    void givenMessagesOverBudget_roomCommandsHaveTheirOwn() {
        SessionToken sender = chat.connect(new RecordingConnection());
        rates.allow(RateLimits.Kind.MESSAGES, 0);
        rates.allow(RateLimits.Kind.ROOMS, 1);

        assertThatThrownBy(() -> chat.handle(sender, message("hi"))).isInstanceOf(RateLimitedException.class);
        chat.handle(sender, new JoinRoom(RoomName.of("dev"), null));
        assertThatThrownBy(() -> chat.handle(sender, new JoinRoom(RoomName.of("ops"), null)))
                .isInstanceOf(RateLimitedException.class);
    }

    @Test
    void givenASessionFloodingForTheWholeAbuseWindow_itIsEnded_andItsRoomsHearItLeft() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection flooder = new RecordingConnection();
        SessionToken token = chat.connect(flooder);
        rates.allow(RateLimits.Kind.MESSAGES, 0);

        RateLimitedException last = floodFor(token, Duration.ofSeconds(11), 100);

        assertThat(last.sessionEnded()).isTrue();
        assertThat(clock.instant()).isAfterOrEqualTo(START.plusSeconds(10));
        assertThat(flooder.closes()).containsExactly(CloseReason.ABUSE);
        assertThat(bystander.received(UserDisconnected.class)).hasSize(1);
        assertThat(chat.localSessionTokens()).doesNotContain(token);
    }

    @Test
    void givenAFloodThatPauses_itStartsOver() {
        RecordingConnection flooder = new RecordingConnection();
        SessionToken token = chat.connect(flooder);
        rates.allow(RateLimits.Kind.MESSAGES, 0);

        floodFor(token, Duration.ofSeconds(9), 100);
        clock.advance(Duration.ofSeconds(2)); // a calm second
        RateLimitedException last = floodFor(token, Duration.ofSeconds(9), 100);

        assertThat(last.sessionEnded()).isFalse();
        assertThat(flooder.closes()).isEmpty();
    }

    @Test
    void givenASessionJustOverItsLimit_itIsRefusedButNeverEnded() {
        RecordingConnection eager = new RecordingConnection();
        SessionToken token = chat.connect(eager);
        rates.allow(RateLimits.Kind.MESSAGES, 0);

        // 15 refused a second: 2.5 times the limit in all, under the abuse factor of 3.
        RateLimitedException last = floodFor(token, Duration.ofSeconds(60), 15);

        assertThat(last.sessionEnded()).isFalse();
        assertThat(eager.closes()).isEmpty();
    }

    /**
     * Sends {@code perSecond} refused messages a second, evenly, for {@code duration} or until the session is ended;
     * returns the last refusal.
     */
    private RateLimitedException floodFor(SessionToken token, Duration duration, int perSecond) {
        long gapNanos = 1_000_000_000L / perSecond;
        long commands = duration.toSeconds() * perSecond;
        RateLimitedException last = null;
        for (long i = 0; i < commands; i++) {
            try {
                chat.handle(token, message("spam"));
            } catch (RateLimitedException refused) {
                last = refused;
                if (refused.sessionEnded()) {
                    return refused;
                }
            }
            clock.advance(Duration.ofNanos(gapNanos));
        }
        return last;
    }

    private static ClientCommand message(String text) {
        return new SendMessage(RoomName.GENERAL, text, null);
    }

    /** Budgets that allow a set number of commands, then refuse every one. */
    private static final class FixedBudgets implements CommandRates {
        static final Duration WAIT = Duration.ofMillis(100);
        private final Map<RateLimits.Kind, Integer> left = new EnumMap<>(RateLimits.Kind.class);

        void allow(RateLimits.Kind kind, int commands) {
            left.put(kind, commands);
        }

        @Override
        public synchronized Optional<Duration> take(SessionToken session, RateLimits.Kind kind) {
            int remaining = left.getOrDefault(kind, Integer.MAX_VALUE);
            if (remaining == 0) {
                return Optional.of(WAIT);
            }
            left.put(kind, remaining - 1);
            return Optional.empty();
        }

        @Override
        public RateLimits limits() {
            return LIMITS;
        }
    }
}
