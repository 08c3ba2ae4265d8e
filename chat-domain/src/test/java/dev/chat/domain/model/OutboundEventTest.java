package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboundEventTest {
    @Test
    void givenTextInAnyScript_itsUtf8LengthIsTheEncodedLength() {
        for (String text : new String[] {"", "hello", "héllo", "こんにちは", "emoji 😀 and 🚀", "mixed ß€𝄞"}) {
            assertThat(OutboundEvent.utf8Length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void givenAnEncodedEvent_itsSizeIsCountedInBytesNotChars() {
        String envelope = "{\"text\":\"😀😀\"}";
        OutboundEvent event = new OutboundEvent(Heartbeat.INSTANCE, "heartbeat", "{}", envelope);

        assertThat(event.envelopeBytes()).isEqualTo(envelope.getBytes(StandardCharsets.UTF_8).length);
        assertThat(event.envelopeBytes()).isGreaterThan(envelope.length());
    }

    @Test
    void givenAnEncodedEvent_itsUtf8FormIsTheEnvelope_madeOnceForEveryRecipient() {
        String envelope = "{\"text\":\"héllo 😀\"}";
        OutboundEvent event = new OutboundEvent(Heartbeat.INSTANCE, "heartbeat", "{}", envelope);

        assertThat(event.envelopeUtf8()).isEqualTo(envelope.getBytes(StandardCharsets.UTF_8));
        assertThat(event.envelopeUtf8()).isSameAs(event.envelopeUtf8());
        assertThat(event.envelopeUtf8()).hasSize(event.envelopeBytes());
    }
}
