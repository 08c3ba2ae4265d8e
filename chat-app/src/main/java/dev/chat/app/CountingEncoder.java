package dev.chat.app;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.port.out.EventEncoder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts every {@code error} a client is told, by code, where all of them pass: the encoder (every transport encodes
 * its refusals, HTTP answers included). Other events pass through untouched.
 */
final class CountingEncoder implements EventEncoder {
    private final EventEncoder encoder;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

    CountingEncoder(EventEncoder encoder, MeterRegistry registry) {
        this.encoder = requireNonNull(encoder, "encoder");
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(
                    code,
                    Counter.builder("chat_errors")
                            .description("Refusals told to clients, by code")
                            .tag("code", code.wireCode())
                            .register(registry));
        }
    }

    @Override
    public OutboundEvent encode(ServerEvent event) {
        if (event instanceof ErrorEvent error) {
            errors.get(error.code()).increment();
        }
        return encoder.encode(event);
    }
}
