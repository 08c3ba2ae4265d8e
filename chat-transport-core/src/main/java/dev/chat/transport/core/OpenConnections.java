package dev.chat.transport.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A transport's open connections by key, for lookup, and for a shutdown that tells them all goodbye and then waits
 * (bounded) until the last one has gone. Thread-safe.
 */
public final class OpenConnections<K, V> {
    private final ConcurrentHashMap<K, V> open = new ConcurrentHashMap<>();

    public void add(K key, V connection) {
        open.put(key, connection);
    }

    public V get(K key) {
        return open.get(key);
    }

    /** Removes it; returns it if it was still open. Wakes a shutdown waiting for the last connection. */
    public V remove(K key) {
        V removed = open.remove(key);
        synchronized (open) {
            open.notifyAll();
        }
        return removed;
    }

    public Collection<V> snapshot() {
        return List.copyOf(open.values());
    }

    public int size() {
        return open.size();
    }

    /** Waits until every connection has been removed or {@code wait} has passed, whichever comes first. */
    public void awaitEmpty(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (open) {
            long remaining;
            while (!open.isEmpty() && (remaining = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(open, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
