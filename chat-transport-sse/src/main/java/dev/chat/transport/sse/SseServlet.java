package dev.chat.transport.sse;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.SessionToken;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.Refusals;
import dev.chat.transport.http.HttpAnswer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /chat/sse}: opens an event stream for a new session, or resumes one ({@code ?session=S} and the
 * standard {@code Last-Event-ID}, or just the {@code Last-Event-ID} an EventSource sends when it reconnects).
 * Served with servlet async I/O, so an open stream holds no thread.
 */
final class SseServlet extends HttpServlet {
    private static final int RESPONSE_BUFFER_BYTES = 2048;

    private final transient SseTransport transport;

    SseServlet(SseTransport transport) {
        this.transport = requireNonNull(transport, "transport");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String[]> fromEventId = SseConnection.splitEventId(lastEventId(request));
        String session = Optional.ofNullable(request.getParameter("session"))
                .orElse(fromEventId.map(parts -> parts[0]).orElse(null));
        String cursorText = Optional.ofNullable(request.getParameter("cursor"))
                .orElse(fromEventId.map(parts -> parts[1]).orElse(null));

        Identity identity = Identity.ANONYMOUS;
        if (session == null && transport.signIn().required()) {
            try {
                identity = transport.signIn().verify(request.getParameter("token"));
            } catch (ChatException unsigned) {
                writeError(response, Refusals.of(unsigned, null));
                return;
            }
        }
        Admission.Entry admitted = transport.admission().admit();
        Optional<Admission.Refusal> notAdmitted = admitted.refusal();
        if (notAdmitted.isPresent()) {
            write(response, HttpAnswer.notAdmitted(notAdmitted.get(), transport.encoder()));
            return;
        }
        try {
            open(request, response, session, cursorText, identity, admitted);
        } finally {
            admitted.opened();
        }
    }

    private void open(
            HttpServletRequest request,
            HttpServletResponse response,
            String session,
            String cursorText,
            Identity identity,
            Admission.Entry admitted)
            throws IOException {
        response.setBufferSize(RESPONSE_BUFFER_BYTES);
        SseTransport.Stream stream = transport.newStream(response.getOutputStream());
        Optional<ErrorEvent> refusal;
        try {
            Optional<SessionToken> resume = Optional.ofNullable(session).map(SessionToken::new);
            refusal = stream.link().open(resume, Cursor.parse(cursorText).orElse(Cursor.EMPTY), identity, admitted);
        } catch (ChatException malformed) {
            refusal = Optional.of(Refusals.of(malformed, null));
        }
        if (refusal.isPresent()) {
            transport.forget(stream);
            writeError(response, refusal.get());
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // tell nginx-style proxies not to buffer the stream
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // the stream lives until either side ends it; heartbeats find dead peers
        stream.connection().start(async);
    }

    private void writeError(HttpServletResponse response, ErrorEvent error) throws IOException {
        write(response, HttpAnswer.of(error, transport.encoder()));
    }

    private static void write(HttpServletResponse response, HttpAnswer refusal) throws IOException {
        if (refusal.retryAfter() != null) {
            response.setHeader("Retry-After", refusal.retryAfter());
        }
        response.setStatus(refusal.status());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(refusal.body().getBytes(StandardCharsets.UTF_8)); // the stream is taken
    }

    /** The header, or the query parameter some EventSource polyfills use instead. */
    private static String lastEventId(HttpServletRequest request) {
        String header = request.getHeader("Last-Event-ID");
        return header != null ? header : request.getParameter("lastEventId");
    }
}
