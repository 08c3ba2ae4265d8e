package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Open connections per client address, over every transport, so one address cannot take a node's capacity (a large
 * office behind one NAT still fits under the default). Addresses with no open connection take no memory.
 * Thread-safe.
 */
public final class AddressLimit {
    /** How soon a refused client may try again. */
    public static final String RETRY_AFTER_SECONDS = "10";

    private final int maxPerAddress;
    private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

    /** @param maxPerAddress open connections one address may have; 0 for no limit */
    public AddressLimit(int maxPerAddress) {
        if (maxPerAddress < 0) {
            throw new IllegalArgumentException("maxPerAddress must not be negative (0 disables it)");
        }
        this.maxPerAddress = maxPerAddress;
    }

    public static AddressLimit unlimited() {
        return new AddressLimit(0);
    }

    /**
     * Counts a new connection from {@code address}, unless the address has its fill.
     *
     * @return what to run when the connection ends (once is enough; more does nothing), or empty when refused
     */
    public Optional<Runnable> open(String address) {
        requireNonNull(address, "address");
        boolean[] admitted = {false};
        open.compute(address, (key, count) -> {
            int now = count == null ? 0 : count;
            if (maxPerAddress > 0 && now >= maxPerAddress) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0] ? Optional.of(closer(address)) : Optional.empty();
    }

    /** Counts a connection that continues one already admitted (a further poll): never refused. */
    public Runnable continued(String address) {
        requireNonNull(address, "address");
        open.merge(address, 1, Integer::sum);
        return closer(address);
    }

    /** Open connections from {@code address} now. */
    public int openFrom(String address) {
        return open.getOrDefault(address, 0);
    }

    /** Addresses with an open connection. */
    public int addresses() {
        return open.size();
    }

    private Runnable closer(String address) {
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
            }
        };
    }
}
