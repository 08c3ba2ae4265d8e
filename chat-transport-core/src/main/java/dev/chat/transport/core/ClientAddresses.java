package dev.chat.transport.core;

import com.google.common.net.InetAddresses;
import java.util.ArrayList;
import java.util.List;

/**
 * Which address a client connects from: the peer's, or, when the peer is a trusted proxy, the first hop of
 * {@code X-Forwarded-For} (read from the right) that is not a trusted proxy. Hops left of that one were written by
 * the client and are never believed. With no trusted proxies the header is ignored. Immutable.
 */
public final class ClientAddresses {
    private static final int MAX_HOPS = 32;

    private final List<Block> trusted;

    /**
     * @param trustedProxies CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}) or single addresses
     * @throws IllegalArgumentException naming an entry that is neither
     */
    public ClientAddresses(List<String> trustedProxies) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : trustedProxies) {
            blocks.add(Block.parse(entry.trim()));
        }
        this.trusted = List.copyOf(blocks);
    }

    /** Believes no forwarding header. */
    public static ClientAddresses direct() {
        return new ClientAddresses(List.of());
    }

    /**
     * @param peer the address the connection comes from
     * @param forwardedFor the {@code X-Forwarded-For} header, or null
     */
    public String of(String peer, String forwardedFor) {
        String client = canonical(peer);
        if (forwardedFor == null || !isTrusted(client)) {
            return client;
        }
        String[] hops = forwardedFor.split(",", MAX_HOPS + 1);
        for (int i = hops.length - 1; i >= Math.max(0, hops.length - MAX_HOPS); i--) {
            String hop = canonical(hops[i].trim());
            if (hop.isEmpty()) {
                continue;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client; // every hop is a trusted proxy: the leftmost is the client
    }

    private boolean isTrusted(String address) {
        if (trusted.isEmpty() || !InetAddresses.isInetAddress(address)) {
            return false;
        }
        byte[] bytes = InetAddresses.forString(address).getAddress();
        return trusted.stream().anyMatch(block -> block.contains(bytes));
    }

    /** One spelling per address (IPv6 has many); what is not an IP literal stays as written, bounded. */
    private static String canonical(String address) {
        if (address == null) {
            return "";
        }
        String bare =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (InetAddresses.isInetAddress(bare)) {
            return InetAddresses.toAddrString(InetAddresses.forString(bare));
        }
        return bare.length() > 64 ? bare.substring(0, 64) : bare;
    }

    /** An address block: the first {@code prefixBits} bits of {@code network}. */
    private record Block(byte[] network, int prefixBits) {
        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            if (!InetAddresses.isInetAddress(address)) {
                throw new IllegalArgumentException("not an IP address or CIDR block: \"" + entry + "\"");
            }
            byte[] network = InetAddresses.forString(address).getAddress();
            int bits = network.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR block: \"" + entry + "\"", e);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix out of range in \"" + entry + "\"");
            }
            return new Block(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false; // an IPv4 block holds no IPv6 address, and the reverse
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int restBits = prefixBits % 8;
            if (restBits == 0) {
                return true;
            }
            int mask = 0xFF << (8 - restBits) & 0xFF;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
