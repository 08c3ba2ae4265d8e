package dev.chat.domain.service;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.port.out.ClientConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A client connection that records what the domain sends it. */
class RecordingConnection implements ClientConnection {
    private final List<ServerEvent> received = new CopyOnWriteArrayList<>();
    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    /** Sends and write holds in the order they came: events by type name, holds as "hold" and "release". */
    private final List<String> writes = new CopyOnWriteArrayList<>();
    /** Each send and each sendAll, as the events it carried (a transport writes a sendAll's at once). */
    private final List<List<ServerEvent>> runs = new CopyOnWriteArrayList<>();

    /** A connection whose transport is gone: every send throws. */
    static RecordingConnection failingSends() {
        return new RecordingConnection() {
            @Override
            public void send(OutboundEvent event) {
                throw new IllegalStateException("transport gone");
            }

            @Override
            public void sendAll(List<OutboundEvent> events) {
                throw new IllegalStateException("transport gone");
            }
        };
    }

    @Override
    public void send(OutboundEvent event) {
        record(event);
        runs.add(List.of(event.event()));
    }

    @Override
    public void sendAll(List<OutboundEvent> events) {
        events.forEach(this::record);
        runs.add(events.stream().map(OutboundEvent::event).toList());
    }

    private void record(OutboundEvent event) {
        received.add(event.event());
        writes.add(event.event().getClass().getSimpleName());
    }

    /** The runs that carried events of this type, each as those events (in order). */
    <T extends ServerEvent> List<List<T>> runsOf(Class<T> type) {
        return runs.stream()
                .map(run ->
                        run.stream().filter(type::isInstance).map(type::cast).toList())
                .filter(events -> !events.isEmpty())
                .toList();
    }

    @Override
    public void holdWrites() {
        writes.add("hold");
    }

    @Override
    public void releaseWrites() {
        writes.add("release");
    }

    List<String> writes() {
        return List.copyOf(writes);
    }

    @Override
    public void close(CloseReason reason) {
        closes.add(reason);
    }

    List<ServerEvent> received() {
        return List.copyOf(received);
    }

    <T extends ServerEvent> List<T> received(Class<T> type) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<CloseReason> closes() {
        return List.copyOf(closes);
    }

    void clear() {
        received.clear();
        runs.clear();
    }
}
