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
import dev.chat.domain.port.out.Scheduler;
import dev.chat.domain.port.out.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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

    private final EventBus bus;
    private final EventEncoder encoder;
    private final Function<RoomName, ActiveUsers> snapshotAfterLoss;
    private final ChatMetrics metrics;
    private final Clock clock;
    private final BigRooms bigRooms;
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
        this(bus, encoder, snapshotAfterLoss, metrics, clock, BigRooms.NONE);
    }

    RoomHub(
            EventBus bus,
            EventEncoder encoder,
            Function<RoomName, ActiveUsers> snapshotAfterLoss,
            ChatMetrics metrics,
            Clock clock,
            BigRooms bigRooms) {
        this.bigRooms = requireNonNull(bigRooms, "bigRooms");
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

        LocalRoom(RoomName room) {
            this.room = room;
        }

        synchronized void subscribe() {
            if (subscription == null && !closed) {
                subscription = bus.subscribe(room, this);
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
            if (bigRooms.limit() == Integer.MAX_VALUE || !arrival && !(event instanceof UserDisconnected)) {
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
                deliverRun(List.of(event));
            }
        }

        /** Events that queued up meanwhile: each member gets its share in one go, so a transport writes it at once. */
        @Override
        public void acceptAll(List<RoomEvent> events) {
            List<RoomEvent> run = new ArrayList<>(events.size());
            for (RoomEvent event : events) {
                if (event instanceof HistoryLost) {
                    deliverRun(run); // what came before the loss goes out first
                    run.clear();
                    accept(event);
                } else if (!gathered(event)) {
                    run.add(event);
                }
            }
            deliverRun(run);
        }

        /** Events that go out as they are (not a big room's gathered arrivals and departures), encoded once. */
        private void deliverRun(List<RoomEvent> run) {
            if (run.isEmpty()) {
                return;
            }
            List<OutboundEvent> encoded = new ArrayList<>(run.size());
            for (RoomEvent event : run) {
                encoded.add(encoder.encode(event));
            }
            int frames = 0;
            for (RoomMembership member : members) {
                try {
                    if (run.size() == 1) {
                        member.deliver(run.get(0), encoded.get(0));
                    } else {
                        member.deliverAll(run, encoded);
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
