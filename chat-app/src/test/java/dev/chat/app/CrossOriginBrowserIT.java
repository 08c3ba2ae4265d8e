package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.chat.app.support.Browser;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The browser library used from a page of another allowed origin (a site embedding the chat): the event stream,
 * polls and sends cross origins through CORS, preflights included, in a real Chromium.
 */
class CrossOriginBrowserIT {
    private final HttpServer site = startSite();
    private final String siteOrigin = "http://127.0.0.1:" + site.getAddress().getPort();
    private final RunningChat chat = RunningChat.start(allowing(siteOrigin));
    private Browser browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        chat.close();
        site.stop(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "polling"})
    void givenPageOfAnAllowedOtherOrigin_theLibraryChatsOverTheHttpTransports(String transport) {
        WsTestClient other = chat.client();
        browser = Browser.open(siteOrigin + "/?transport=" + transport + "&chat="
                + chat.server().port());
        EventLog.awaiting().until(() -> browser.bodyData("user") != null);

        browser.run("window.sendIt('hello from another site')");
        other.send("{\"event\":\"message\",\"data\":{\"text\":\"hello back\",\"ref\":\"b1\"}}");

        other.await(
                "message",
                data -> "hello from another site".equals(data.path("text").textValue()));
        EventLog.awaiting().until(() -> "acked".equals(browser.bodyData("sent")));
        EventLog.awaiting().until(() -> browser.text("log").contains("hello back"));
        assertThat(browser.bodyData("transport")).isEqualTo(transport);
    }

    private static ChatConfig allowing(String origin) {
        ChatConfig defaults = ChatConfig.defaults(0);
        ChatConfig.Server server = defaults.server();
        return defaults.withServer(
                new ChatConfig.Server(server.host(), server.port(), List.of(origin), server.shutdownGrace()));
    }

    /** Another site's page: loads the library from the chat service and chats over the transport it is told. */
    private static HttpServer startSite() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(page);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String PAGE = """
            <!doctype html>
            <html><body><ul id="log"></ul>
            <script>
              const params = new URLSearchParams(location.search);
              const chatUrl = 'http://127.0.0.1:' + params.get('chat');
              const script = document.createElement('script');
              script.src = chatUrl + '/chat-client.js';
              script.onload = () => {
                const chat = new ChatClient({ url: chatUrl, transports: [params.get('transport')] });
                chat.on('welcome', (welcome) => {
                  document.body.dataset.user = welcome.user;
                  document.body.dataset.transport = chat.transport;
                });
                chat.on('message', (message) => {
                  const item = document.createElement('li');
                  item.textContent = message.text;
                  document.getElementById('log').appendChild(item);
                });
                window.sendIt = (text) => chat.send(text, 'general').then(
                    (outcome) => { document.body.dataset.sent = outcome && outcome.error ? 'refused' : 'acked'; },
                    () => { document.body.dataset.sent = 'failed'; });
                chat.connect();
              };
              document.head.appendChild(script);
            </script>
            </body></html>
            """;
}
