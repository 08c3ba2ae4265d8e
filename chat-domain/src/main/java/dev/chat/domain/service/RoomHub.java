package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistoryLost;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.PresenceChange;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.Scheduler;
import dev.chat.domain.port.out.StoreWaits;
import dev.chat.domain.port.out.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * This node's local fan-out: which local connections are in which room. The node subscribes to a room on the
 * event bus while it has local members there (interest-based), and encodes each room event once for all of them.
 *
 * <p>Big rooms: each room's member count is followed from its arrivals and departures (read from the presence store
 * when the node subscribes, and again at each flush). While it is above the member list limit, arrivals and
 * departures are not passed on one by one: they are gathered, and every presence interval each member gets one
 * {@link PresenceChange} with the count and some of the names, or nothing if nothing changed. So an arrival costs
 * this node O(1), plus one frame per member per interval. A room back at or under the limit gets exact events again.
 *
 * <p>One frame per member per interval is still a write per member: 20,000 a second for a room of 20,000 while a crowd
 * joins it, a fifth of a core on loopback. So while churn goes on, a room with more local members than its frame
 * budget allows per interval sends every few intervals instead; as soon as an interval passes without a change, the
 * gathered frame goes out, so the count is still right within two intervals of the churn ending.
 *
 * <p>Small rooms: their arrivals and departures go out one by one, but a crowd arriving one connect after another would
 * cost every member a write per arrival (the events come one at a time, so the bus has no run to hand over). So the
 * ones that follow an arrival or departure just sent are held for a short window and go out together, one write per
 * member; the first after a quiet window goes out at once, and any other event of the room takes the held ones along
 * ahead of it, so the room's order holds.
 */
final class RoomHub {
    /**
     * What coalescing needs: where counts come from, the size above which it starts, its interval, and how many
     * presence frames a room may cost this node per second while churn goes on.
     */
    record BigRooms(
            ToIntFunction<RoomName> countOf, int limit, Scheduler scheduler, Duration interval, int framesPerSecond) {
        /** Never coalesces. */
        static final BigRooms NONE =
                new BigRooms(room -> 0, Integer.MAX_VALUE, null, Duration.ofSeconds(1), Integer.MAX_VALUE);

        /** Intervals between a churning room's frames, so that its local members cost at most the budget. */
        int intervalsPerFrame(int localMembers) {
            double framesPerInterval = Math.max(1.0, framesPerSecond * (interval.toNanos() / 1e9));
            return Math.max(1, (int) Math.ceil(localMembers / framesPerInterval));
        }
    }

    /** How long a small room's arrivals and departures wait to share a write, and what ends the wait. */
    record Bursts(Scheduler scheduler, Duration window) {
        /** Every arrival and departure at once. */
        static final Bursts NONE = new Bursts(null, Duration.ZERO);

        Bursts {
            requireNonNull(window, "window");
            if (!window.isZero() && scheduler == null) {
                throw new IllegalArgumentException("a burst window needs a scheduler");
            }
        }

        boolean holds() {
            return !window.isZero();
        }
    }

    /** The most events a small room holds in a window; one more sends them all at once, together with it. */
    static final int MAX_HELD = 64;

    private final EventBus bus;
    private final EventEncoder encoder;
    private final Function<RoomName, ActiveUsers> snapshotAfterLoss;
    private final ChatMetrics metrics;
    private final Clock clock;
    private final BigRooms bigRooms;
    private final Bursts bursts;
    private final ConcurrentHashMap<RoomName, LocalRoom> rooms = new ConcurrentHashMap<>();

    /**
     * @param snapshotAfterLoss the room's members at the start of its new epoch, for members of a room whose history
     *     was lost
     */
    RoomHub(EventBus bus, EventEncoder encoder, Function<RoomName, ActiveUsers> snapshotAfterLoss) {
        this(bus, encoder, snapshotAfterLoss, ChatMetrics.NONE, Clock.systemUTC());
    }

    RoomHub(
            EventBus bus,
            EventEncoder encoder,
            Function<RoomName, ActiveUsers> snapshotAfterLoss,
            ChatMetrics metrics,
            Clock clock) {
        this(bus, encoder, snapshotAfterLoss, metrics, clock, BigRooms.NONE, Bursts.NONE);
    }

    RoomHub(
            EventBus bus,
            EventEncoder encoder,
            Function<RoomName, ActiveUsers> snapshotAfterLoss,
            ChatMetrics metrics,
            Clock clock,
            BigRooms bigRooms,
            Bursts bursts) {
        this.bigRooms = requireNonNull(bigRooms, "bigRooms");
        this.bursts = requireNonNull(bursts, "bursts");
        this.bus = requireNonNull(bus, "bus");
        this.encoder = requireNonNull(encoder, "encoder");
        this.snapshotAfterLoss = requireNonNull(snapshotAfterLoss, "snapshotAfterLoss");
        this.metrics = requireNonNull(metrics, "metrics");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Adds a member; the first one makes this node subscribe to the room. The subscription happens outside the map's
     * lock (it may take a network round trip), and a bus that refuses it leaves nothing behind: the member is taken
     * out again and the failure is thrown.
     */
    void attach(RoomMembership member) {
        LocalRoom local = rooms.compute(member.room(), (room, existing) -> {
            LocalRoom joined = existing != null ? existing : new LocalRoom(room);
            member.attachedAfterHeld(joined.heldSoFar); // read before it is a member: see LocalRoom.heldSoFar
            joined.members.add(member);
            return joined;
        });
        try {
            local.subscribe();
        } catch (RuntimeException refused) {
            detach(member);
            throw refused;
        }
    }

    void detach(RoomMembership member) {
        LocalRoom[] emptied = new LocalRoom[1];
        rooms.computeIfPresent(member.room(), (room, local) -> {
            local.members.remove(member);
            if (local.members.isEmpty()) {
                emptied[0] = local;
                return null;
            }
            return local;
        });
        if (emptied[0] != null) {
            emptied[0].close(); // outside the map's lock: it may wait for a subscribe in flight
        }
    }

    /**
     * The room's first members as a joiner here read them lately, for a joiner attached to the room now: a crowd
     * joining a room of thousands would otherwise read the same first names from the store once each. Null members
     * when there are none to reuse; the joiner then reads them and offers them back with the generation given here.
     */
    KnownFirstMembers knownFirstMembers(RoomName room) {
        LocalRoom local = rooms.get(room);
        return local == null ? KnownFirstMembers.NONE : local.firstMembers.known(clock.millis(), bigRooms.interval());
    }

    /**
     * Keeps a joiner's read of the room's first members for the joiners after it, unless an arrival or departure
     * came since {@link #knownFirstMembers} gave {@code generation} (the read may have missed it).
     *
     * @param reads how many members were asked for
     */
    void keepFirstMembers(RoomName room, long generation, PresenceStore.FirstMembers read, int reads) {
        LocalRoom local = rooms.get(room);
        if (local != null) {
            local.firstMembers.keep(generation, read, reads, clock.millis());
        }
    }

    /** First members a joiner may reuse (null: read them), and the generation to offer a read back with. */
    record KnownFirstMembers(PresenceStore.FirstMembers members, long generation) {
        static final KnownFirstMembers NONE = new KnownFirstMembers(null, -1);
    }

    /** Rooms with members on this node. */
    int roomCount() {
        return rooms.size();
    }

    private final class LocalRoom implements EventBus.Listener {
        private final RoomName room;
        private final Set<RoomMembership> members = ConcurrentHashMap.newKeySet();
        /** Guarded by this. */
        private Subscription subscription;
        /** Guarded by this: the last member left; a late subscribe must not happen. */
        private boolean closed;
        /** The room's member count as this node follows it; -1 until read. */
        private final AtomicInteger count = new AtomicInteger(-1);
        /** Whether arrivals and departures are being gathered (the room was found above the limit). */
        private volatile boolean coalescing;
        /** Arrivals and departures gathered since the last presence frame; guarded by {@code pending}. */
        private final Pending pending = new Pending();
        /** The first members a joiner here read, while no arrival or departure heard of since may touch them. */
        private final FirstMembersKept firstMembers = new FirstMembersKept();
        /**
         * Arrivals and departures held while a burst window is open; its lock is held through every delivery of the
         * room's events, so those from the bus's thread and the window's end from the scheduler's keep one order.
         */
        private final List<RoomEvent> held = new ArrayList<>();
        /** Guarded by {@code held}. */
        private boolean windowOpen;
        /**
         * How many events this room ever held. A member attached when it was N reads its snapshot after those N came
         * here, so the store had them and the snapshot shows them: it is not sent those, only the ones held after
         * (it would be told of an arrival its own list already has). Written under {@code held}.
         */
        private volatile long heldSoFar;

        LocalRoom(RoomName room) {
            this.room = room;
        }

        /** Every joiner of the room waits for this lock: its holder keeps its opening's turn (see StoreWaits). */
        synchronized void subscribe() {
            if (subscription == null && !closed) {
                subscription = StoreWaits.keepingTurn(() -> bus.subscribe(room, this));
            }
        }

        /**
         * The store's count: at the first arrival or departure the node sees (the store has that change already), and
         * at each flush (events may be missed or, in a race with that first read, counted twice).
         */
        private void readCount() {
            if (bigRooms.limit() == Integer.MAX_VALUE) {
                return;
            }
            try {
                count.set(bigRooms.countOf().applyAsInt(room));
            } catch (RuntimeException storeDown) {
                // followed from events until the next read
            }
        }

        /**
         * A big room's arrival or departure: counted and gathered for the next frame.
         *
         * @return false when the room is not big and the event goes out as it is
         */
        private boolean gathered(RoomEvent event) {
            boolean arrival = event instanceof UserConnected;
            if (arrival) {
                firstMembers.changed(((UserConnected) event).user(), true);
            } else if (event instanceof UserDisconnected departure) {
                firstMembers.changed(departure.user(), false);
            } else {
                return false;
            }
            if (bigRooms.limit() == Integer.MAX_VALUE) {
                return false;
            }
            int after;
            if (count.get() < 0) {
                readCount(); // the store has this change already
                after = count.get();
            } else {
                after = arrival ? count.incrementAndGet() : count.decrementAndGet();
            }
            // An arrival into a big room, or a departure from a room that was big before it, is gathered.
            int bigOne = arrival ? after : after + 1;
            if (bigOne > bigRooms.limit() && !coalescing) {
                // Crossing the limit: the count followed from events may have counted an arrival twice (one the
                // first read already held), so the store decides, and rooms up to the limit stay exact.
                readCount();
                bigOne = arrival ? count.get() : count.get() + 1;
            }
            coalescing = bigOne > bigRooms.limit();
            if (!coalescing) {
                return false;
            }
            if (arrival) {
                pending.joined(((UserConnected) event).user());
            } else {
                pending.left(((UserDisconnected) event).user());
            }
            armFlush();
            return true;
        }

        /**
         * Sends what the interval gathered, one frame encoded once for every member; re-arms while changes come. A
         * room over its frame budget keeps gathering while the churn goes on.
         */
        private void flush() {
            if (pending.holdBack(bigRooms.intervalsPerFrame(members.size()))) {
                armFlush();
                return;
            }
            int before = count.get();
            readCount();
            PresenceChange change = pending.take(room, count.get(), before != count.get());
            if (change == null) {
                return; // quiet for a whole interval: nothing to say, and no timer until the next change
            }
            OutboundEvent encoded = encoder.encode(change);
            synchronized (held) {
                deliverHeld(); // exact events from before the room grew go first
            }
            // Not under the lock: a frame to 20,000 members takes a while, and messages must not wait for it.
            int frames = 0;
            for (RoomMembership member : members) {
                try {
                    member.deliverLocal(encoded);
                    frames++;
                } catch (RuntimeException e) {
                    member.fail();
                }
            }
            metrics.presenceFramesSent(frames);
            armFlush(); // one more interval: the count is confirmed once churn stops
        }

        /** Schedules the next flush unless one is pending or there is nothing to flush. */
        private void armFlush() {
            if (pending.armIfIdle()) {
                bigRooms.scheduler().schedule(bigRooms.interval(), this::flush);
            }
        }

        synchronized void close() {
            closed = true;
            if (subscription != null) {
                subscription.close();
            }
        }

        @Override
        public void accept(RoomEvent event) {
            if (event instanceof HistoryLost lost) {
                historyLost(lost.room());
                return;
            }
            if (!gathered(event)) {
                send(List.of(event));
            }
        }

        /** Events that queued up meanwhile: each member gets its share in one go, so a transport writes it at once. */
        @Override
        public void acceptAll(List<RoomEvent> events) {
            List<RoomEvent> run = new ArrayList<>(events.size());
            for (RoomEvent event : events) {
                if (event instanceof HistoryLost) {
                    send(run); // what came before the loss goes out first
                    run.clear();
                    accept(event);
                } else if (!gathered(event)) {
                    run.add(event);
                }
            }
            send(run);
        }

        /**
         * Events that go out as they are: arrivals and departures while a burst window is open wait for its end (or
         * for the room's next other event); anything else goes now, after what was held.
         */
        private void send(List<RoomEvent> run) {
            if (run.isEmpty()) {
                return;
            }
            synchronized (held) {
                boolean presenceOnly = onlyArrivalsAndDepartures(run);
                if (windowOpen && presenceOnly && held.size() + run.size() <= MAX_HELD) {
                    held.addAll(run);
                    heldSoFar += run.size();
                    return;
                }
                int wereHeld = held.size();
                if (wereHeld > 0) {
                    List<RoomEvent> after = run;
                    run = new ArrayList<>(wereHeld + after.size());
                    run.addAll(held);
                    run.addAll(after);
                    held.clear();
                }
                if (!windowOpen && bursts.holds() && presenceOnly) {
                    windowOpen = true;
                    scheduleWindowEnd(); // before delivering: a delivery that throws must not leave it open for good
                }
                deliverRun(run, wereHeld);
            }
        }

        /** Sends what the window held, and keeps it open for one more while the burst goes on. */
        private void windowEnds() {
            synchronized (held) {
                if (held.isEmpty()) {
                    windowOpen = false;
                    return;
                }
                try {
                    deliverHeld();
                } finally {
                    scheduleWindowEnd();
                }
            }
        }

        /** Caller holds {@code held}. A scheduler that refuses (shutting down) closes the window: nothing may wait. */
        private void scheduleWindowEnd() {
            try {
                bursts.scheduler().schedule(bursts.window(), this::windowEnds);
            } catch (RuntimeException refused) {
                windowOpen = false;
                deliverHeld();
            }
        }

        /** Caller holds {@code held}. */
        private void deliverHeld() {
            if (!held.isEmpty()) {
                List<RoomEvent> run = List.copyOf(held);
                held.clear();
                deliverRun(run, run.size());
            }
        }

        /**
         * Events that go out as they are (not a big room's gathered arrivals and departures), encoded once.
         *
         * @param wereHeld how many of the run's first events were held: each member gets only those held after it was
         *     attached (caller holds {@code held})
         */
        private void deliverRun(List<RoomEvent> run, int wereHeld) {
            if (run.isEmpty()) {
                return;
            }
            List<OutboundEvent> encoded = new ArrayList<>(run.size());
            for (RoomEvent event : run) {
                encoded.add(encoder.encode(event));
            }
            long heldBefore = heldSoFar - wereHeld; // events held before the run's first
            int frames = 0;
            for (RoomMembership member : members) {
                try {
                    int shown = (int) Math.min(wereHeld, Math.max(0, member.attachedAfterHeld() - heldBefore));
                    if (shown == run.size()) {
                        continue; // its snapshot has every one
                    }
                    if (run.size() - shown == 1) {
                        member.deliver(run.get(shown), encoded.get(shown));
                    } else if (shown == 0) {
                        member.deliverAll(run, encoded);
                    } else {
                        member.deliverAll(run.subList(shown, run.size()), encoded.subList(shown, run.size()));
                    }
                    frames++;
                } catch (RuntimeException e) {
                    member.fail(); // one broken member must not cost the others the events
                }
            }
            for (RoomEvent event : run) {
                counted(event, frames);
            }
        }

        /** Counted once per event, not per recipient. */
        private void counted(RoomEvent event, int frames) {
            if (event instanceof ChatMessage message) {
                long sincePosted =
                        Duration.between(message.time(), clock.instant()).toNanos();
                metrics.delivered(frames, Math.max(0, sincePosted));
            } else {
                metrics.presenceFramesSent(frames);
            }
        }

        private void historyLost(RoomName room) {
            synchronized (held) {
                deliverHeld(); // what came before the loss goes out first
                tellHistoryLost(room);
            }
        }

        private void tellHistoryLost(RoomName room) {
            firstMembers.forgetAll(); // the store may have lost its presence too
            OutboundEvent notice = encoder.encode(new NotRecovered(room, NotRecovered.Reason.EPOCH_CHANGED));
            OutboundEvent snapshot;
            try {
                snapshot = encoder.encode(snapshotAfterLoss.apply(room));
            } catch (RuntimeException storeDown) {
                snapshot = null; // the notice alone still stops clients from taking new seqs for repeats
            }
            for (RoomMembership member : members) {
                try {
                    member.historyLost(notice, snapshot);
                } catch (RuntimeException e) {
                    member.fail();
                }
            }
        }
    }

    /** A loop, not a stream: every message's run comes through here. */
    private static boolean onlyArrivalsAndDepartures(List<RoomEvent> run) {
        for (RoomEvent event : run) {
            if (!(event instanceof UserConnected || event instanceof UserDisconnected)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A room's first members as a joiner on this node read them (after its own add), kept for the joiners after it.
     * A joiner is attached to the room before it looks, so every arrival or departure the kept read may lack reaches
     * it as an event (or in the next presence frame), as it would after a read of its own. Forgotten when an arrival
     * or departure heard of is not already in them, and after one presence interval, for a change whose event was
     * lost. A read is kept only if it has every arrival and departure heard of while it was made (a joiner's own
     * arrival, say). Thread-safe.
     */
    private static final class FirstMembersKept {
        /** How many changes a read in flight may have heard of and still be kept. */
        private static final int CHANGES_SEEN = 64;

        /** Counts the changes that made this forget what it kept (every change while nothing is kept). */
        private long generation;
        /** What each of the latest generations was for, by generation modulo its length; null: unknown. */
        private final Change[] changes = new Change[CHANGES_SEEN];
        /** Null while nothing is kept. */
        private PresenceStore.FirstMembers members;

        private int reads;
        private long keptAtMillis;

        private record Change(Nickname user, boolean arrival) {}

        synchronized KnownFirstMembers known(long nowMillis, Duration maxAge) {
            if (members != null && nowMillis - keptAtMillis >= maxAge.toMillis()) {
                forget(null);
            }
            return new KnownFirstMembers(members, generation);
        }

        synchronized void keep(long readUnder, PresenceStore.FirstMembers read, int asked, long nowMillis) {
            if (members != null || generation - readUnder >= CHANGES_SEEN) {
                return;
            }
            for (long seen = readUnder + 1; seen <= generation; seen++) {
                Change change = changes[(int) (seen % CHANGES_SEEN)];
                if (change == null || !has(read, asked, change)) {
                    return; // it may have missed that one
                }
            }
            members = read;
            reads = asked;
            keptAtMillis = nowMillis;
        }

        synchronized void changed(Nickname user, boolean arrival) {
            Change change = new Change(user, arrival);
            if (members == null || !has(members, reads, change)) {
                forget(change);
            }
        }

        synchronized void forgetAll() {
            forget(null);
        }

        private void forget(Change because) {
            members = null;
            generation++;
            changes[(int) (generation % CHANGES_SEEN)] = because;
        }

        /** Whether first members read with {@code asked} already show the change (or are not touched by it). */
        private static boolean has(PresenceStore.FirstMembers read, int asked, Change change) {
            List<Nickname> first = read.members();
            boolean listed = Collections.binarySearch(first, change.user()) >= 0;
            if (!change.arrival()) {
                return !listed;
            }
            return listed || first.size() >= asked && change.user().compareTo(first.get(asked - 1)) > 0;
        }
    }

    /** A big room's gathered changes: bounded names, and whether a flush is due. Thread-safe. */
    private static final class Pending {
        private final Set<Nickname> joined = new LinkedHashSet<>();
        private final Set<Nickname> left = new LinkedHashSet<>();
        private boolean changed;
        /** A change came since the last flush's tick: the churn goes on. */
        private boolean changedSinceTick;
        /** Ticks since the last frame; large while the timer rests, so the first change after a rest is not held. */
        private int ticksSinceFrame = Integer.MAX_VALUE / 2;

        private boolean armed;
        /** The flush after a change that found nothing new: it confirms the count, then the timer rests. */
        private boolean confirming;

        synchronized void joined(Nickname user) {
            changed = true;
            changedSinceTick = true;
            if (!left.remove(user) && joined.size() < PresenceChange.MAX_NAMES) {
                joined.add(user);
            }
        }

        synchronized void left(Nickname user) {
            changed = true;
            changedSinceTick = true;
            if (!joined.remove(user) && left.size() < PresenceChange.MAX_NAMES) {
                left.add(user);
            }
        }

        /**
         * A flush's tick: true if the frame waits for another one, as changes still come and the room has had a
         * frame fewer than {@code intervalsPerFrame} ticks ago.
         */
        synchronized boolean holdBack(int intervalsPerFrame) {
            boolean churning = changedSinceTick;
            changedSinceTick = false;
            ticksSinceFrame++;
            if (churning && changed && ticksSinceFrame < intervalsPerFrame) {
                armed = false;
                return true;
            }
            return false;
        }

        /** True if the caller must schedule a flush (none is pending). */
        synchronized boolean armIfIdle() {
            if (armed || !(changed || confirming)) {
                return false;
            }
            armed = true;
            return true;
        }

        /**
         * What to send now, or null for nothing: a frame when something changed since the last one (or the count
         * read now differs from the one followed), then one more quiet interval to confirm the count.
         */
        synchronized PresenceChange take(RoomName room, int count, boolean countCorrected) {
            armed = false;
            if (!changed && !countCorrected) {
                confirming = false;
                ticksSinceFrame = Integer.MAX_VALUE / 2; // the timer rests
                return null;
            }
            ticksSinceFrame = 0;
            PresenceChange change =
                    new PresenceChange(room, Math.max(0, count), List.copyOf(joined), List.copyOf(left));
            joined.clear();
            left.clear();
            changed = false;
            confirming = true;
            return change;
        }
    }
}
