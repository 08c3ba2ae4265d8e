package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.app.support.ChatProcess;
import dev.chat.app.support.MovingClient;
import dev.chat.app.support.MovingClients;
import dev.chat.app.support.NginxProcess;
import dev.chat.store.redis.RedisServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling deploy as an operator runs it: Redis, three nodes from the packaged jar, Debian's nginx with the repository's
 * {@code deploy/nginx.conf}, 300 clients (100 per transport) that resume as the browser library does, a steady message
 * load, and every node in turn stopped with SIGTERM, waited for and started again. Nobody loses or repeats a message,
 * nobody sees anyone leave, every client is back within the drain window plus 5 s, and the moves are spread out.
 */
class RollingDeployIT {
    private static final int CLIENTS_PER_TRANSPORT = 100;
    private static final int DRAIN_ACCEPT_SECONDS = 1;
    private static final int DRAIN_SECONDS = 4;
    private static final Duration BACK_WITHIN = Duration.ofSeconds(DRAIN_ACCEPT_SECONDS + DRAIN_SECONDS + 5);
    private static final Duration CONNECT_EVERY = Duration.ofMillis(10);
    private static final Duration MESSAGE_EVERY = Duration.ofMillis(100);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<MovingClient> clients = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        clients.forEach(MovingClient::stop);
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void givenClientsOnEveryTransport_whenEveryNodeIsRestartedInTurn_nobodyLosesOrRepeatsAMessageOrSeesAnyoneLeave()
            throws Exception {
        RedisServerProcess redis = track(RedisServerProcess.start());
        Map<String, String> settings = Map.of(
                "CHAT_REDIS_URL", redis.uri().toString(),
                "CHAT_DRAIN_ACCEPT_SECONDS", Integer.toString(DRAIN_ACCEPT_SECONDS),
                "CHAT_DRAIN_SECONDS", Integer.toString(DRAIN_SECONDS));
        List<ChatProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(track(ChatProcess.start(settings)));
        }
        nodes.forEach(node -> node.awaitReady(Duration.ofSeconds(30)));
        NginxProcess nginx = track(
                NginxProcess.inFrontOf(nodes.stream().map(ChatProcess::port).toList()));
        for (int i = 0; i < CLIENTS_PER_TRANSPORT; i++) {
            clients.add(MovingClients.webSocket("ws-" + i, nginx.uri("ws", "/chat")));
            clients.add(MovingClients.sse("sse-" + i, nginx.uri("http", "/chat/sse")));
            clients.add(MovingClients.polling("poll-" + i, nginx.uri("http", "/chat/poll")));
        }
        for (MovingClient client : clients) {
            client.start();
            Thread.sleep(CONNECT_EVERY.toMillis()); // arrivals at a steady 100 per second, not one burst
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(clients.stream()
                                .filter(client -> !client.joined())
                                .map(client -> client + " " + client.problems()))
                        .as("clients not in general yet")
                        .isEmpty());
        Set<String> nicknames = clients.stream().map(MovingClient::nickname).collect(Collectors.toSet());
        clients.forEach(MovingClient::forgetStartup);

        Sender sender =
                new Sender(nginx.uri("http", "/chat/send"), clients.get(0).session());
        Thread sending = new Thread(sender, "rolling-deploy-sender");
        sending.start();
        List<List<Long>> movesPerRestart = new ArrayList<>();
        for (ChatProcess node : nodes) {
            Set<Long> movedBefore = allMoves();
            long sigtermAt = System.nanoTime();
            node.terminate();
            assertThat(node.awaitExit(Duration.ofSeconds(30)))
                    .as("exit status (128 + SIGTERM: shutdown hooks ran)")
                    .isEqualTo(143);
            await().atMost(BACK_WITHIN.minusNanos(System.nanoTime() - sigtermAt))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(clients.stream()
                                    .filter(client -> !client.present())
                                    .map(client -> client + " left "
                                            + client.leftAtNanos().size() + " times, back "
                                            + client.backAtNanos().size() + ", problems " + client.problems()
                                            + ", retries "
                                            + client.retries()))
                            .as("clients not back within the drain window + 5 s of SIGTERM")
                            .isEmpty());
            long allBackAt = System.nanoTime();
            List<Long> moves = new ArrayList<>(allMoves());
            moves.removeAll(movedBefore);
            movesPerRestart.add(moves);
            node.startAgain();
            node.awaitReady(Duration.ofSeconds(60)); // a JVM starting on two busy cores
            System.out.printf(
                    "[RollingDeployIT] node on port %d: %d clients moved over %d ms, all back %d ms after SIGTERM,"
                            + " ready again %d ms after it%n",
                    node.port(),
                    moves.size(),
                    TimeUnit.NANOSECONDS.toMillis(spreadOf(moves)),
                    TimeUnit.NANOSECONDS.toMillis(allBackAt - sigtermAt),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermAt));
        }
        sender.stop();
        sending.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(sender.refusals())
                .as("sends refused for anything but a retryable 502 or 503")
                .isEmpty();
        assertThat(clients.stream()
                        .filter(client -> !client.problems().isEmpty())
                        .map(client -> client + ": " + client.problems()))
                .as("clients refused or closed for anything but a move (nginx logs in " + nginx.dir() + ")")
                .isEmpty();
        Set<Long> sent = sender.acknowledgedSeqs();
        assertThat(sent).as("messages acknowledged during the deploy").hasSizeGreaterThan(100);
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(clients.stream()
                                .filter(client -> !client.seqs().containsAll(sent))
                                .map(client -> client + " misses " + missing(client, sent)))
                        .as("clients that lost messages")
                        .isEmpty());
        assertThat(clients.stream().filter(client -> client.duplicates() > 0))
                .as("clients shown a message twice")
                .isEmpty();
        assertThat(clients.stream()
                        .flatMap(client -> client.departuresSeen().stream())
                        .filter(nicknames::contains)
                        .distinct())
                .as("departures announced for clients that only moved")
                .isEmpty();
        for (List<Long> moves : movesPerRestart) {
            assertThat(moves).as("clients moved off the stopped node").hasSizeGreaterThan(50);
            assertThat(TimeUnit.NANOSECONDS.toMillis(spreadOf(moves)))
                    .as("moves spread over the drain window, not all within one second")
                    .isGreaterThan(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS) / 2);
        }
    }

    private static long spreadOf(List<Long> moments) {
        return moments.isEmpty()
                ? 0
                : moments.stream().mapToLong(Long::longValue).max().orElseThrow()
                        - moments.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    private Set<Long> allMoves() {
        return clients.stream().flatMap(client -> client.leftAtNanos().stream()).collect(Collectors.toSet());
    }

    private static List<Long> missing(MovingClient client, Set<Long> sent) {
        Set<Long> has = client.seqs();
        return sent.stream()
                .filter(seq -> !has.contains(seq))
                .sorted()
                .limit(10)
                .toList();
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /**
     * Posts a message to general every 100 ms through the balancer, as the library does: each with its own ref, sent
     * again with the same ref until it is acknowledged (a retry lands once), and then the next.
     */
    private static final class Sender implements Runnable {
        private final URI send;
        private final String session;
        private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> refusals = new CopyOnWriteArrayList<>();

        Sender(URI send, String session) {
            this.send = send;
            this.session = session;
        }

        @Override
        public void run() {
            for (int n = 0; running.get(); n++) {
                String body = "{\"event\":\"message\",\"data\":{\"room\":\"general\",\"text\":\"m" + n
                        + "\",\"ref\":\"r" + n + "\"}}";
                while (!post(body)) {
                    pause(Duration.ofMillis(200));
                }
                pause(MESSAGE_EVERY);
            }
        }

        private boolean post(String body) {
            try {
                HttpResponse<String> answer = HTTP.send(
                        HttpRequest.newBuilder(send)
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + session)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    acknowledged.add(JSON.readTree(answer.body()).path("seq").longValue());
                    return true;
                }
                // 503: unavailable or outcome_unknown; 502: the balancer lost the node mid-request (a POST is not
                // passed on to another node). Either way the same ref again: it lands once.
                if (answer.statusCode() != 503 && answer.statusCode() != 502) {
                    refusals.add(answer.statusCode() + " " + answer.body());
                }
                return false;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        void stop() {
            running.set(false);
        }

        List<String> refusals() {
            return List.copyOf(refusals);
        }

        Set<Long> acknowledgedSeqs() {
            return Set.copyOf(acknowledged);
        }

        private static void pause(Duration pace) {
            try {
                Thread.sleep(pace.toMillis()); // the load's pace, not a test waiting for an event
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
