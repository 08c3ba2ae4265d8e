package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.executors.CommandExecutor;

/**
 * Every caller's commands over one connection: whatever callers handed over while the previous batch was out goes to
 * Redis in one write, and its replies come back in one read. A command costs its caller and Redis a fraction of a
 * round trip's system calls and wake-ups, which on a busy node are most of what a Redis call costs (docs/architecture.md,
 * "Scale-out"). Callers still wait for their own reply, so the stores keep their synchronous ports.
 *
 * <p>Failures keep what {@link RedisCalls} needs to tell clients: a command that surely never left is refused with
 * {@link NotSent}; one that was written and not answered (the connection broke, or Redis did not answer within the
 * timeout) fails with a plain {@link JedisConnectionException}, its outcome unknown. Blocking commands and
 * transactions must not come here: they would hold up everyone behind them.
 */
final class SharedConnection implements CommandExecutor {
    private static final Logger log = LoggerFactory.getLogger(SharedConnection.class);
    /** Commands in one write at most: a batch's replies are read before the next batch goes. */
    private static final int MAX_BATCH = 512;

    private final Supplier<Connection> connect;
    private final Duration timeout;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private volatile boolean closed;
    private Connection connection; // the dispatcher's alone
    private volatile long commands;
    private volatile long writes;

    /**
     * @param connect opens a connection whose reads time out (the dispatcher reconnects with it after a failure)
     * @param timeout the longest a caller waits for its reply, queued and sent (also the connection's read timeout,
     *     so a command is never left waiting longer than the caller waits for it)
     */
    SharedConnection(Supplier<Connection> connect, Duration timeout, String name) {
        this.connect = requireNonNull(connect, "connect");
        this.timeout = requireNonNull(timeout, "timeout");
        this.dispatcher = new Thread(this::dispatch, name);
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        if (closed) {
            throw new NotSent("the Redis client is closed");
        }
        Pending<T> pending = new Pending<>(command);
        queue.add(pending);
        if (closed) { // closed while it was added: the dispatcher may be gone already
            failAll(new NotSent("the Redis client is closed"));
        }
        try {
            return pending.reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JedisException failure) {
                throw failure;
            }
            throw new JedisException(e.getCause());
        } catch (TimeoutException e) {
            throw pending.abandon("Redis did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw pending.abandon("interrupted while waiting for Redis");
        }
    }

    private void dispatch() {
        List<Pending<?>> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            carryOut(batch);
            batch.clear();
        }
        failAll(new NotSent("the Redis client is closed"));
    }

    /** Writes the batch's commands (Jedis buffers them: one write unless they outgrow its buffer), then reads. */
    private void carryOut(List<Pending<?>> batch) {
        List<Pending<?>> sent = new ArrayList<>(batch.size());
        try {
            if (connection == null || connection.isBroken()) {
                reconnect();
            }
            for (Pending<?> pending : batch) {
                if (pending.take()) {
                    connection.sendCommand(pending.command.getArguments());
                    sent.add(pending);
                }
            }
            if (!sent.isEmpty()) {
                commands += sent.size();
                writes++;
            }
            for (Pending<?> pending : sent) {
                pending.answer(connection);
            }
        } catch (JedisConnectionException e) {
            failBatch(batch, sent.size(), e);
        } catch (RuntimeException e) { // nothing else is expected; never let the dispatcher die of it
            log.error("a batch over the shared Redis connection failed", e);
            failBatch(batch, sent.size(), new JedisConnectionException(e));
        }
    }

    /** The first {@code sentCount} of those taken were written: their outcome is unknown, the rest never left. */
    private void failBatch(List<Pending<?>> batch, int sentCount, JedisConnectionException failure) {
        if (connection != null) {
            connection.setBroken();
        }
        int taken = 0;
        for (Pending<?> pending : batch) {
            if (pending.takenBy == Pending.DISPATCHER && taken++ < sentCount) {
                pending.fail(failure);
            } else {
                pending.fail(new NotSent("Redis is unreachable", failure));
            }
        }
    }

    private void reconnect() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        connection = connect.get();
    }

    private void failAll(JedisException failure) {
        List<Pending<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(pending -> pending.fail(failure));
    }

    /** Commands in line for the next write. */
    int inLine() {
        return queue.size();
    }

    /** Commands written to Redis so far. */
    long commands() {
        return commands;
    }

    /** Batches written so far: {@link #commands()} over this is how many callers one write served. */
    long writes() {
        return writes;
    }

    /** Those in line are refused at once; one already sent gets its reply or fails within the timeout. */
    @Override
    public void close() {
        closed = true;
        failAll(new NotSent("the Redis client is closed"));
        dispatcher.interrupt();
        try {
            dispatcher.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new NotSent("the Redis client is closed"));
        if (connection != null && !dispatcher.isAlive()) {
            connection.close();
        }
    }

    /** A command never written to Redis: refusing it changed nothing. */
    static final class NotSent extends JedisConnectionException {
        NotSent(String message) {
            super(message);
        }

        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Pending<T> {
        static final int QUEUED = 0;
        static final int DISPATCHER = 1;
        static final int CALLER = 2;
        private static final VarHandle TAKEN_BY;

        static {
            try {
                TAKEN_BY = MethodHandles.lookup().findVarHandle(Pending.class, "takenBy", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CommandObject<T> command;
        final CompletableFuture<T> reply = new CompletableFuture<>();
        /** Whoever came first: the dispatcher, to send it, or its caller, giving up on it. */
        volatile int takenBy = QUEUED;

        Pending(CommandObject<T> command) {
            this.command = command;
        }

        /** For the dispatcher: false if the caller gave up first, and then it must not be sent. */
        boolean take() {
            return TAKEN_BY.compareAndSet(this, QUEUED, DISPATCHER);
        }

        /** For its caller: not sent if it still was in line, its outcome unknown if it was sent. */
        JedisConnectionException abandon(String why) {
            return TAKEN_BY.compareAndSet(this, QUEUED, CALLER) ? new NotSent(why) : new JedisConnectionException(why);
        }

        void answer(Connection connection) {
            Object raw;
            try {
                raw = connection.getOne();
            } catch (JedisDataException e) { // an error reply: read whole, the next reply is intact
                reply.completeExceptionally(e);
                return;
            }
            try {
                reply.complete(command.getBuilder().build(raw));
            } catch (RuntimeException e) {
                reply.completeExceptionally(e instanceof JedisException ? e : new JedisDataException(e));
            }
        }

        void fail(JedisException failure) {
            reply.completeExceptionally(failure);
        }
    }
}
