package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private final ClientAddresses behindProxies = new ClientAddresses(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

    @Test
    void givenNoTrustedProxies_theHeaderIsIgnored() {
        assertThat(ClientAddresses.direct().of("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
    }

    @Test
    void givenAnUntrustedPeer_itsHeaderIsIgnored() {
        assertThat(behindProxies.of("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
    }

    @Test
    void givenATrustedProxy_theFirstUntrustedHopFromTheRightIsTheClient_andWhatTheClientWroteIsNot() {
        // The client wrote "1.1.1.1"; the edge proxy saw 198.51.100.1; an inner proxy 10.1.2.3 passed it on.
        assertThat(behindProxies.of("192.168.1.7", "1.1.1.1, 198.51.100.1, 10.1.2.3"))
                .isEqualTo("198.51.100.1");
    }

    @Test
    void givenOnlyTrustedHops_theLeftmostIsTheClient() {
        assertThat(behindProxies.of("10.0.0.1", "10.9.9.9, 10.0.0.2")).isEqualTo("10.9.9.9");
    }

    @Test
    void givenAnEmptyOrBlankHeader_thePeerIsTheClient() {
        assertThat(behindProxies.of("10.0.0.1", "")).isEqualTo("10.0.0.1");
        assertThat(behindProxies.of("10.0.0.1", " , ")).isEqualTo("10.0.0.1");
    }

    @Test
    void givenIpv6_everySpellingIsOneAddress_andBlocksMatchByPrefix() {
        assertThat(behindProxies.of("fd12::1", "2001:DB8:0:0::7")).isEqualTo("2001:db8::7");
        assertThat(behindProxies.of("[2001:db8::7]", null)).isEqualTo("2001:db8::7");
        assertThat(behindProxies.of("fe80::1", "2001:db8::7")).isEqualTo("fe80::1");
    }

    @Test
    void givenAHopThatIsNoAddress_itIsTheClient_asWritten_andBounded() {
        assertThat(behindProxies.of("10.0.0.1", "unknown")).isEqualTo("unknown");
        assertThat(behindProxies.of("10.0.0.1", "x".repeat(500))).hasSize(64);
    }

    @Test
    void givenAPrefixThatSplitsAByte_onlyTheBlocksAddressesAreTrusted() {
        ClientAddresses addresses = new ClientAddresses(List.of("172.16.0.0/12"));

        assertThat(addresses.of("172.31.255.255", "203.0.113.1")).isEqualTo("203.0.113.1");
        assertThat(addresses.of("172.32.0.1", "203.0.113.1")).isEqualTo("172.32.0.1");
    }

    @Test
    void givenABadEntry_itIsRefusedByName() {
        assertThatThrownBy(() -> new ClientAddresses(List.of("proxy.example.com")))
                .hasMessageContaining("proxy.example.com");
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
    }
}
