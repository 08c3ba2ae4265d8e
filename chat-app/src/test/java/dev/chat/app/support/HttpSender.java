package dev.chat.app.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Sends commands the way SSE and long-polling clients do: {@code POST /chat/send} with a bearer session. */
public final class HttpSender {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI sendUri;

    public HttpSender(URI sendUri) {
        this.sendUri = sendUri;
    }

    public HttpResponse<String> post(String session, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(sendUri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Authorization", "Bearer " + session);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> message(String session, String room, String text, String ref) {
        return post(
                session,
                "{\"event\":\"message\",\"data\":{\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"ref\":\"" + ref
                        + "\"}}");
    }
}
