package dev.chat.domain.contract;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import java.util.concurrent.atomic.AtomicLong;

/** Names unique per test, so contract suites can share one store (e.g. one Redis) without seeing each other. */
public final class ContractSupport {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    private ContractSupport() {}

    public static RoomName uniqueRoom() {
        return RoomName.of("t-" + RUN + "-" + COUNTER.incrementAndGet());
    }

    public static Nickname uniqueNickname() {
        return new Nickname("User" + RUN.replace("-", "") + COUNTER.incrementAndGet());
    }
}
