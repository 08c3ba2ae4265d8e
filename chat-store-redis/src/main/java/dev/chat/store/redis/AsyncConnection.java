package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Commands whose callers do not wait: each one's reply completes its stage, on this connection's own thread, which
 * writes every command in line in one write and then reads their replies. What a caller chains on the stage runs there
 * too. A connect's store calls come here, so that no server thread blocks on Redis while a connection opens: a thread
 * blocked per round trip, parked and woken, cost a Redis connect more of the node's core than the rest of its work
 * (docs/performance-log.md, "A connect that waits on no one"). So whatever is chained here must not wait on a store
 * itself for long: every reply behind it waits too.
 *
 * <p>Failures keep the meanings of {@link SharedConnection}'s: a command that surely never left fails with
 * {@link SharedConnection.NotSent}; one written and not answered (the connection broke, or Redis did not answer within
 * the timeout) fails with a plain {@link JedisConnectionException}, its outcome unknown. A command that waited in line
 * longer than the timeout (Redis stalled) is not sent, and beyond {@link #MAX_IN_LINE} waiting the next is refused
 * ({@link LineFull}), so a stalled Redis holds a bounded number of commands for a bounded time.
 */
final class AsyncConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AsyncConnection.class);
    /** Commands in one write at most. */
    private static final int MAX_BATCH = 512;
    /** Commands waiting for the next write at most: every opening under way has a few. */
    static final int MAX_IN_LINE = 4096;

    private final Supplier<Connection> connect;
    private final Duration timeout;
    private final BlockingQueue<Queued<?>> line = new LinkedBlockingQueue<>(MAX_IN_LINE);
    private final CommandObjects commands = new CommandObjects();
    private final Thread thread;
    private volatile boolean closed;
    /** This and {@link #writes}: the meters' counts, written by the connection's thread only. */
    private volatile long commandsSent;

    private volatile long writes;
    /** This connection's thread's only. */
    private Connection connection;

    /**
     * @param connect opens a connection whose connect and reads time out after {@code timeout} (the next batch
     *     reconnects with it after a failure)
     */
    AsyncConnection(Supplier<Connection> connect, Duration timeout) {
        this.connect = requireNonNull(connect, "connect");
        this.timeout = requireNonNull(timeout, "timeout");
        this.thread = new Thread(this::run, RedisStores.OPENING_THREAD);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    CompletableFuture<Object> eval(String script, List<String> keys, List<String> arguments) {
        return send(commands.eval(script, keys, arguments));
    }

    CompletableFuture<Long> sadd(String key, String member) {
        return send(commands.sadd(key, member));
    }

    <T> CompletableFuture<T> send(CommandObject<T> command) {
        Queued<T> queued = new Queued<>(command, System.nanoTime());
        if (closed) {
            queued.fail(new SharedConnection.NotSent("the Redis client is closed"));
        } else if (!line.offer(queued)) {
            queued.fail(new LineFull());
        } else if (closed) {
            failLine(); // closed meanwhile: nobody would write it
        }
        return queued.reply;
    }

    private void run() {
        List<Queued<?>> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(line.take());
            } catch (InterruptedException closing) {
                break;
            }
            line.drainTo(batch, MAX_BATCH - 1);
            carryOut(batch);
            batch.clear();
        }
        failLine();
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Writes the batch's commands (Jedis buffers them: one write unless they outgrow its buffer), then reads. */
    private void carryOut(List<Queued<?>> batch) {
        long now = System.nanoTime();
        List<Queued<?>> sent = new ArrayList<>(batch.size());
        try {
            if (connection == null || connection.isBroken()) {
                if (connection != null) {
                    connection.close();
                }
                connection = null;
                connection = connect.get();
            }
            for (Queued<?> queued : batch) {
                if (now - queued.since > timeout.toNanos()) {
                    queued.fail(
                            new SharedConnection.NotSent("Redis did not answer within " + timeout.toMillis() + " ms"));
                } else {
                    connection.sendCommand(queued.command.getArguments());
                    sent.add(queued);
                }
            }
            if (!sent.isEmpty()) {
                commandsSent += sent.size();
                writes++;
            }
            for (Queued<?> queued : sent) {
                queued.answer(connection); // what its caller chained on it runs now, here
            }
        } catch (JedisConnectionException e) {
            if (connection != null) {
                connection.setBroken();
            }
            sent.forEach(queued -> queued.fail(e));
            batch.forEach(queued -> queued.fail(new SharedConnection.NotSent("Redis is unreachable", e)));
        } catch (RuntimeException e) { // nothing else is expected; still, every caller of the batch hears of it
            log.error("a batch over the asynchronous Redis connection failed", e);
            if (connection != null) {
                connection.setBroken();
            }
            JedisConnectionException failure = new JedisConnectionException(e);
            sent.forEach(queued -> queued.fail(failure));
            batch.forEach(queued -> queued.fail(new SharedConnection.NotSent("Redis is unreachable", failure)));
        }
    }

    private void failLine() {
        for (Queued<?> next; (next = line.poll()) != null; ) {
            next.fail(new SharedConnection.NotSent("the Redis client is closed"));
        }
    }

    /** Commands written to Redis so far. */
    long commands() {
        return commandsSent;
    }

    /** Batches written so far: {@link #commands()} over this is how many commands one write carried. */
    long writes() {
        return writes;
    }

    /** Commands in line for the next write. */
    int inLine() {
        return line.size();
    }

    /** Those in line are refused at once; a batch being read gets its replies or fails within the timeout. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        failLine();
    }

    /** Refused because too many commands wait already: Redis is stalled, or far behind. */
    static final class LineFull extends SharedConnection.NotSent {
        LineFull() {
            super("too many Redis commands are waiting");
        }
    }

    private static final class Queued<T> {
        final CommandObject<T> command;
        final long since;
        final CompletableFuture<T> reply = new CompletableFuture<>();

        Queued(CommandObject<T> command, long since) {
            this.command = command;
            this.since = since;
        }

        @SuppressWarnings("unchecked")
        void answer(Connection connection) {
            Object outcome = SharedConnection.reply(connection, command);
            if (outcome instanceof JedisException failure) {
                reply.completeExceptionally(failure);
            } else {
                reply.complete((T) outcome);
            }
        }

        /** A stage completes once: one answered, or failed before, keeps that. */
        void fail(JedisException failure) {
            reply.completeExceptionally(failure);
        }
    }
}
