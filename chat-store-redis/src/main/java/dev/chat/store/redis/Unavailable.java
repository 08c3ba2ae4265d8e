package dev.chat.store.redis;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisException;

/** Turns a Redis failure (down, timed out) into the refusal clients understand: {@code unavailable}, try again. */
final class Unavailable {
    private Unavailable() {}

    static <T> T guard(Supplier<T> call) {
        try {
            return call.get();
        } catch (JedisException e) {
            throw new ChatException(ErrorCode.UNAVAILABLE, "the chat store is unavailable, try again shortly");
        }
    }

    static void guard(Runnable call) {
        guard(() -> {
            call.run();
            return null;
        });
    }
}
