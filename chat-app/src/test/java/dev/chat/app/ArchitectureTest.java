package dev.chat.app;

import static com.tngtech.archunit.base.DescribedPredicate.and;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module rules of the hexagon (docs/architecture.md), checked on the compiled production classes. */
class ArchitectureTest {
    private static final String DOMAIN = "dev.chat.domain..";
    private static final String PROTOCOL = "dev.chat.protocol..";
    private static final String TRANSPORTS = "dev.chat.transport..";
    private static final String TRANSPORT_CORE = "dev.chat.transport.core..";
    private static final String TRANSPORT_HTTP = "dev.chat.transport.http..";
    private static final String STORES = "dev.chat.store..";
    private static final String APP = "dev.chat.app..";
    private static final String[] FRAMEWORKS = {
        "io.javalin..",
        "org.eclipse.jetty..",
        "redis.clients..",
        "com.google.inject..",
        "jakarta.inject..",
        "javax.inject..",
        "org.slf4j..",
        "com.fasterxml.jackson.."
    };

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Other modules' test jars (their contract tests and fixtures) are on the test classpath too.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.chat");

    @Test
    void domainDependsOnTheJdkOnly() {
        classes()
                .that()
                .resideInAPackage(DOMAIN)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(DOMAIN, "java..")
                .check(classes);
    }

    @Test
    void domainUsesNoFramework() {
        noClasses()
                .that()
                .resideInAPackage(DOMAIN)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .check(classes);
    }

    @Test
    void theRelayDependsOnTheDomainModelAndTheJdkOnly() {
        classes()
                .that()
                .resideInAPackage("dev.chat.relay..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("dev.chat.relay..", "dev.chat.domain.model..", "java..")
                .check(classes);
    }

    @Test
    void protocolKnowsNoTransportStoreWebServerOrWiring() {
        noClasses()
                .that()
                .resideInAPackage(PROTOCOL)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        TRANSPORTS, STORES, APP, "io.javalin..", "org.eclipse.jetty..", "com.google.inject..")
                .check(classes);
    }

    @Test
    void transportsAreIndependentOfEachOtherTheStoresAndGuice() {
        for (String transport : new String[] {"ws", "sse", "polling"}) {
            String own = "dev.chat.transport." + transport + "..";
            noClasses()
                    .that()
                    .resideInAPackage(own)
                    .should()
                    .dependOnClassesThat(and(
                            resideInAnyPackage(TRANSPORTS, STORES, APP, "com.google.inject..", "jakarta.inject.."),
                            not(resideInAnyPackage(own, TRANSPORT_CORE, TRANSPORT_HTTP))))
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void onlyTheHttpTransportsShareTheHttpModule() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.chat.transport.ws..", TRANSPORT_CORE)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(TRANSPORT_HTTP)
                .check(classes);
    }

    @Test
    void theTransportCoreKnowsNoWebServerNoTransportAndNoStore() {
        noClasses()
                .that()
                .resideInAPackage(TRANSPORT_CORE)
                .should()
                .dependOnClassesThat(and(
                        resideInAnyPackage(
                                TRANSPORTS,
                                STORES,
                                APP,
                                "io.javalin..",
                                "org.eclipse.jetty..",
                                "jakarta.servlet..",
                                "com.google.inject.."),
                        not(resideInAPackage(TRANSPORT_CORE))))
                .check(classes);
    }

    @Test
    void theHttpModuleUsesNoOtherTransport() {
        noClasses()
                .that()
                .resideInAPackage(TRANSPORT_HTTP)
                .should()
                .dependOnClassesThat(and(
                        resideInAnyPackage(TRANSPORTS, STORES, APP, "com.google.inject.."),
                        not(resideInAnyPackage(TRANSPORT_HTTP, TRANSPORT_CORE))))
                .check(classes);
    }

    @Test
    void adaptersUsePortsNotTheServiceImplementation() {
        noClasses()
                .that()
                .resideInAnyPackage(TRANSPORTS, STORES, PROTOCOL)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.chat.domain.service..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void storesKnowNoWebServerTransportOrWiring() {
        noClasses()
                .that()
                .resideInAPackage(STORES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        TRANSPORTS,
                        APP,
                        "io.javalin..",
                        "org.eclipse.jetty..",
                        "com.google.inject..",
                        "jakarta.inject..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void nothingDependsOnTheApp() {
        noClasses()
                .that()
                .resideOutsideOfPackage(APP)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(APP)
                .check(classes);
    }
}
