package dev.chat.domain.port.out;

/** A live subscription; closing it stops delivery. Closing twice is harmless. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
