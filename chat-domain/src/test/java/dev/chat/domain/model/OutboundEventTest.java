package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void givenOnlyAnEnvelope_itsDataIsTheObjectAfterData_cutOnceWhenAsked() {
        String envelope = "{\"event\":\"heartbeat\",\"data\":{\"n\":\"é\"}}";
        OutboundEvent event = OutboundEvent.ofEnvelope(Heartbeat.INSTANCE, "heartbeat", envelope, 28);

        assertThat(event.dataJson()).isEqualTo("{\"n\":\"é\"}");
        assertThat(event.dataJson()).isSameAs(event.dataJson());
        assertThat(event.envelopeJson()).isSameAs(envelope);
        assertThat(event.envelopeBytes()).isEqualTo(envelope.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void givenADataStartOutsideTheEnvelope_itIsRefused() {
        String envelope = "{\"event\":\"heartbeat\",\"data\":{}}";

        assertThatThrownBy(() -> OutboundEvent.ofEnvelope(Heartbeat.INSTANCE, "heartbeat", envelope, envelope.length()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboundEvent.ofEnvelope(Heartbeat.INSTANCE, "heartbeat", envelope, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
