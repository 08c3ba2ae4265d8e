package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
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
 * Every caller's commands over one connection. A caller that finds no batch out becomes the leader: it writes every
 * command in line (its own first among them) in one write, reads their replies, hands each to its caller, and then
 * wakes the first caller still in line to lead the next batch. Alone, a caller makes its own round trip as with a
 * pooled connection; in a crowd, one write and one read serve many, which saves Redis and the callers most of a small
 * command's cost: its system calls and wake-ups (docs/architecture.md, "Scale-out"). No thread of its own: a thread in
 * between would add a wake-up to every call.
 *
 * <p>Failures keep what {@link RedisCalls} needs to tell clients: a command that surely never left is refused with
 * {@link NotSent}; one that was written and not answered (the connection broke, or Redis did not answer within the
 * timeout) fails with a plain {@link JedisConnectionException}, its outcome unknown. Blocking commands and
 * transactions must not come here: they would hold up everyone behind them.
 */
final class SharedConnection implements CommandExecutor {
    private static final Logger log = LoggerFactory.getLogger(SharedConnection.class);
    /** Commands in one write at most. */
    private static final int MAX_BATCH = 512;

    private final Supplier<Connection> connect;
    private final Duration timeout;
    private final Queue<Pending<?>> line = new ConcurrentLinkedQueue<>();
    /** Held by the leader: only it touches {@link #connection}. */
    private final AtomicBoolean leading = new AtomicBoolean();

    private volatile boolean closed;
    private Connection connection;
    /** This and {@link #writes}: the meters' counts, written by the leader only. */
    private volatile long commands;

    private volatile long writes;

    /**
     * @param connect opens a connection whose connect and reads time out after {@code timeout} (the next leader
     *     reconnects with it after a failure)
     * @param timeout the longest a caller waits in line; a caller that leads waits at most as long again for its
     *     batch's replies (the connection's own timeout)
     */
    SharedConnection(Supplier<Connection> connect, Duration timeout) {
        this.connect = requireNonNull(connect, "connect");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        if (closed) {
            throw new NotSent("the Redis client is closed");
        }
        Pending<T> pending = new Pending<>(command, Thread.currentThread());
        line.add(pending);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.interrupted()) {
                return giveUp(pending, left <= 0);
            }
            if (!leading.get() && leading.compareAndSet(false, true)) {
                lead(pending); // its read waits for the timeout at most
            } else {
                LockSupport.parkNanos(this, left); // woken by its reply, or to lead
            }
        }
        return pending.outcome();
    }

    private <T> T giveUp(Pending<T> pending, boolean timedOut) {
        JedisConnectionException failure = pending.abandon(
                timedOut
                        ? "Redis did not answer within " + timeout.toMillis() + " ms"
                        : "interrupted waiting for Redis");
        if (!timedOut) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof NotSent) {
            wakeNextLeader(); // it may have been woken to lead
        } else if (pending.isDone()) {
            return pending.outcome(); // answered just as it gave up
        }
        throw failure;
    }

    /** Batches until the leader's own command is answered, then lets the next one in line lead. */
    private void lead(Pending<?> own) {
        try {
            List<Pending<?>> batch = new ArrayList<>();
            while (!own.isDone()) {
                for (Pending<?> next; batch.size() < MAX_BATCH && (next = line.poll()) != null; ) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    break; // its own was failed by close() meanwhile
                }
                carryOut(batch);
                batch.clear();
            }
            if (closed) {
                disconnect();
            }
        } finally {
            leading.set(false);
        }
        wakeNextLeader();
    }

    private void wakeNextLeader() {
        if (leading.get()) {
            return; // the leader wakes one when it is done
        }
        for (Pending<?> waiting : line) {
            if (waiting.isQueued()) {
                LockSupport.unpark(waiting.caller);
                return;
            }
        }
    }

    /** Writes the batch's commands (Jedis buffers them: one write unless they outgrow its buffer), then reads. */
    private void carryOut(List<Pending<?>> batch) {
        if (closed) {
            batch.forEach(pending -> pending.fail(new NotSent("the Redis client is closed")));
            return;
        }
        List<Pending<?>> sent = new ArrayList<>(batch.size());
        try {
            if (connection == null || connection.isBroken()) {
                disconnect();
                connection = connect.get();
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
            failBatch(batch, sent, e);
        } catch (RuntimeException e) { // nothing else is expected; still, every caller of the batch hears of it
            log.error("a batch over the shared Redis connection failed", e);
            failBatch(batch, sent, new JedisConnectionException(e));
        }
    }

    /**
     * Those written and not yet answered fail with their outcome unknown; the rest of the batch never left. (A pending
     * already answered, or failed once, keeps its outcome.)
     */
    private void failBatch(List<Pending<?>> batch, List<Pending<?>> sent, JedisConnectionException failure) {
        if (connection != null) {
            connection.setBroken();
        }
        sent.forEach(pending -> pending.fail(failure));
        batch.forEach(pending -> pending.fail(new NotSent("Redis is unreachable", failure)));
    }

    private void disconnect() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Commands in line for the next write. */
    int inLine() {
        return (int) line.stream().filter(Pending::isQueued).count();
    }

    /** Commands written to Redis so far. */
    long commands() {
        return commands;
    }

    /** Batches written so far: {@link #commands()} over this is how many callers one write served. */
    long writes() {
        return writes;
    }

    /**
     * Those in line are refused at once; one already sent gets its reply or fails within the timeout, and its leader
     * closes the connection then.
     */
    @Override
    public void close() {
        closed = true;
        for (Pending<?> next; (next = line.poll()) != null; ) {
            next.fail(new NotSent("the Redis client is closed"));
        }
        if (leading.compareAndSet(false, true)) {
            try {
                disconnect();
            } finally {
                leading.set(false);
            }
        }
    }

    /**
     * The next reply on the connection, built for {@code command}: its value, or the {@link JedisException} it is
     * (an error reply, read whole, leaves the next reply intact). A broken connection throws.
     */
    static Object reply(Connection connection, CommandObject<?> command) {
        Object raw;
        try {
            raw = connection.getOne();
        } catch (JedisDataException e) {
            return e;
        }
        try {
            return command.getBuilder().build(raw);
        } catch (JedisException e) {
            return e;
        } catch (RuntimeException e) {
            return new JedisDataException(e);
        }
    }

    /** A command never written to Redis: refusing it changed nothing. */
    static class NotSent extends JedisConnectionException {
        NotSent(String message) {
            super(message);
        }

        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Pending<T> {
        static final int QUEUED = 0;
        static final int SENDER = 1;
        static final int CALLER = 2;
        private static final VarHandle TAKEN_BY;
        private static final Object NONE = new Object();

        static {
            try {
                TAKEN_BY = MethodHandles.lookup().findVarHandle(Pending.class, "takenBy", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CommandObject<T> command;
        final Thread caller;
        /** Whoever came first: a leader, to send it, or its caller, giving up on it. */
        volatile int takenBy = QUEUED;
        /** The built reply, a {@link JedisException}, or {@link #NONE} while there is neither. */
        private volatile Object outcome = NONE;

        Pending(CommandObject<T> command, Thread caller) {
            this.command = command;
            this.caller = caller;
        }

        boolean isQueued() {
            return takenBy == QUEUED && outcome == NONE;
        }

        boolean isDone() {
            return outcome != NONE;
        }

        /** For a leader: false if the caller gave up first, and then it must not be sent. */
        boolean take() {
            return TAKEN_BY.compareAndSet(this, QUEUED, SENDER);
        }

        /** For its caller: not sent if it still was in line, its outcome unknown if it was sent. */
        JedisConnectionException abandon(String why) {
            return TAKEN_BY.compareAndSet(this, QUEUED, CALLER) ? new NotSent(why) : new JedisConnectionException(why);
        }

        @SuppressWarnings("unchecked")
        T outcome() {
            Object done = outcome;
            if (done instanceof JedisException failure) {
                throw failure;
            }
            return (T) done;
        }

        void answer(Connection connection) {
            finish(reply(connection, command));
        }

        void fail(JedisException failure) {
            finish(failure);
        }

        private void finish(Object result) {
            if (outcome == NONE) { // only one thread finishes a pending at a time: its leader, or close()
                outcome = result;
                LockSupport.unpark(caller);
            }
        }
    }
}
