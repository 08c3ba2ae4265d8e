package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The per-address cap at the door of every transport: works out the client's address ({@link ClientAddresses}) and
 * counts its open connections ({@link AddressLimit}). Thread-safe.
 */
public final class AddressGate {
    private final ClientAddresses addresses;
    private final AddressLimit limit;

    public AddressGate(ClientAddresses addresses, AddressLimit limit) {
        this.addresses = requireNonNull(addresses, "addresses");
        this.limit = requireNonNull(limit, "limit");
    }

    /** No cap, no forwarding header believed. */
    public static AddressGate open() {
        return new AddressGate(ClientAddresses.direct(), AddressLimit.unlimited());
    }

    /**
     * A new connection from the client at {@code peer} (behind {@code forwardedFor}, the {@code X-Forwarded-For}
     * header or null).
     *
     * @return what to run when it ends, or empty when its address has its fill (answer 429)
     */
    public Optional<Runnable> enter(String peer, String forwardedFor) {
        return limit.open(addresses.of(peer, forwardedFor));
    }

    /** A request that continues an admitted connection (a further poll): counted, never refused. */
    public Runnable continued(String peer, String forwardedFor) {
        return limit.continued(addresses.of(peer, forwardedFor));
    }

    /** The {@code Retry-After} of a refusal, in seconds. */
    public String retryAfterSeconds() {
        return AddressLimit.RETRY_AFTER_SECONDS;
    }
}
