package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.MessageHistory;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Validates a message and posts it to its room's history, which publishes it. Needs no session lock. */
final class MessagePoster {
    private final MessageHistory history;
    private final Clock clock;
    private final int maxTextLength;
    private final ChatMetrics metrics;

    MessagePoster(MessageHistory history, Clock clock, ChatLimits limits, ChatMetrics metrics) {
        this.history = requireNonNull(history, "history");
        this.clock = requireNonNull(clock, "clock");
        this.maxTextLength = limits.maxTextLength();
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /**
     * Posts a message of {@code user}, who is in {@code rooms}. A send with a ref is keyed by session and ref, so a
     * retry (on any node) answers with the ack of the message that landed instead of posting again.
     */
    Ack post(SessionToken token, Nickname user, Set<RoomName> rooms, SendMessage send) {
        String text = send.text();
        if (text.isBlank()) {
            throw new ChatException(ErrorCode.EMPTY_TEXT, "message text is empty");
        }
        if (text.codePointCount(0, text.length()) > maxTextLength) {
            throw new ChatException(
                    ErrorCode.TEXT_TOO_LONG, "message text is longer than " + maxTextLength + " characters");
        }
        if (!rooms.contains(send.room())) {
            throw ChatService.notInRoom(send.room());
        }
        String idempotencyKey = send.ref() == null ? null : token.value() + " " + send.ref();
        MessageDraft draft = new MessageDraft(
                send.room(),
                newMessageId(),
                user,
                text,
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                idempotencyKey);
        ChatMessage stored = history.append(draft);
        metrics.messagePosted();
        return new Ack(send.ref(), stored.room(), stored.seq());
    }

    private static String newMessageId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
