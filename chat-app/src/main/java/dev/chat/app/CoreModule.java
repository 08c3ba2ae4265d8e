package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.CommandRates;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.NicknameGenerator;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.domain.service.ChatService;
import dev.chat.protocol.CommandDecoder;
import dev.chat.protocol.JsonEventEncoder;
import dev.chat.transport.core.AddressGate;
import dev.chat.transport.core.AddressLimit;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.ClientAddresses;
import dev.chat.transport.core.JwtSignIn;
import dev.chat.transport.core.OriginPolicy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import java.util.Set;

/** The domain service and the wire protocol; the stores come from a store module. */
final class CoreModule extends AbstractModule {
    private final ChatConfig config;

    CoreModule(ChatConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Managed.class); // none for the in-memory store
        Multibinder.newSetBinder(binder(), Readiness.Check.class); // none for the in-memory store
    }

    @Provides
    ChatConfig config() {
        return config;
    }

    @Provides
    @Singleton
    EventEncoder encoder(MeterRegistry registry) {
        return new CountingEncoder(new JsonEventEncoder(), registry);
    }

    /** One gate for every transport's new connections; it counts the connections they report to the registry. */
    @Provides
    @Singleton
    SignInVerifier signIn() {
        ChatConfig.SignIn signIn = config.abuse().signIn();
        if (signIn.hmacSecret() != null) {
            return JwtSignIn.withSecret(signIn.hmacSecret(), signIn.issuer(), signIn.audience());
        }
        if (signIn.publicKeyFile() != null) {
            try {
                String pem = Files.readString(Path.of(signIn.publicKeyFile()));
                return JwtSignIn.withPublicKey(pem, signIn.issuer(), signIn.audience());
            } catch (IOException e) {
                throw new IllegalArgumentException("CHAT_JWT_PUBLIC_KEY_FILE cannot be read: " + e.getMessage(), e);
            }
        }
        return SignInVerifier.NONE;
    }

    @Provides
    @Singleton
    AddressGate addressGate() {
        ChatConfig.Abuse abuse = config.abuse();
        return new AddressGate(
                new ClientAddresses(abuse.trustedProxies()), new AddressLimit(abuse.maxConnectionsPerAddress()));
    }

    @Provides
    @Singleton
    Admission admission(MeterRegistry registry) {
        ChatConfig.Operations operations = config.operations();
        Admission admission = new Admission(
                operations.maxConnections(),
                operations.maxConnectsPerSecond(),
                operations.maxOpening(),
                () -> (int) registry.find("chat_connections").gauges().stream()
                        .mapToDouble(Gauge::value)
                        .sum());
        Gauge.builder("chat_connects_waiting", admission, Admission::waitingCount)
                .description("New connections waiting for their turn to be opened (CHAT_MAX_OPENING at a time)")
                .register(registry);
        Gauge.builder("chat_connects_opening", admission, Admission::openingCount)
                .description("New connections being opened now, counting those waiting on the store meanwhile")
                .register(registry);
        FunctionCounter.builder("chat_connects_over_turns", admission, Admission::withoutTurnCount)
                .description("Openings that went on without a turn, after waiting for theirs back from the store "
                        + "(a lock held across a store call); steadily rising means CHAT_MAX_OPENING is too low")
                .register(registry);
        return admission;
    }

    @Provides
    @Singleton
    Readiness readiness(Set<Readiness.Check> checks) {
        return new Readiness(checks);
    }

    @Provides
    @Singleton
    CommandDecoder decoder() {
        return new CommandDecoder();
    }

    @Provides
    @Singleton
    OriginPolicy originPolicy() {
        return OriginPolicy.of(config.server().allowedOrigins());
    }

    @Provides
    @Singleton
    NicknameGenerator nicknames() {
        return new SeedNicknameGenerator(new Random());
    }

    @Provides
    @Singleton
    ExecutorScheduler scheduler() {
        return new ExecutorScheduler();
    }

    @Provides
    @Singleton
    ChatService chatService(
            SessionStore sessions,
            PresenceStore presence,
            MessageHistory history,
            EventBus bus,
            NicknameGenerator nicknames,
            EventEncoder encoder,
            ExecutorScheduler scheduler,
            ChatMetrics metrics,
            CommandRates rates,
            SignInVerifier signIn,
            RoomEntry entry) {
        ChatService.Ports ports = new ChatService.Ports(
                sessions,
                presence,
                history,
                bus,
                nicknames,
                encoder,
                Clock.systemUTC(),
                scheduler,
                metrics,
                rates,
                signIn,
                entry);
        ChatConfig.Messaging messaging = config.messaging();
        return new ChatService(
                ports,
                new ChatLimits(
                        messaging.maxTextLength(),
                        messaging.maxRoomsPerSession(),
                        messaging.reconnectGrace(),
                        ChatLimits.DEFAULTS.joinHistory(),
                        config.presence().memberListLimit(),
                        config.presence().interval(),
                        config.presence().framesPerSecond(),
                        config.presence().burstWindow()));
    }

    @Provides
    @Singleton
    ChatServer server(
            Set<Endpoint> endpoints,
            ChatService chat,
            ExecutorScheduler scheduler,
            Set<Managed> managed,
            Readiness readiness,
            PrometheusMeterRegistry metrics,
            Admission admission) {
        return new ChatServer(config, endpoints, chat, scheduler, managed, readiness, metrics, admission);
    }
}
