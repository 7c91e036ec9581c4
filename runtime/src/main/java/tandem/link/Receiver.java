package tandem.link;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;
import tandem.facts.Heartbeat;

/**
 * Checks every received frame and hands the good ones to the {@link PeerLink.Listener}. Frames
 * from both links arrive on different Netty threads, so checks and listener calls run under one
 * lock: the listener hears a mismatch, its clearing and the heartbeats around them in the order
 * they were decided (the listener is quick; it hands over to the engine's queue). Once
 * {@link #close()} returned, the listener hears nothing more.
 *
 * <p>Order of checks: length (in {@link FrameDecoder}), version, HMAC, JSON, sender id, link name,
 * body, the timestamp against this node's clock, session and sequence (replay), then settings match;
 * for a heartbeat, last, whether it is current. A frame that fails any of them is counted and logged
 * (WARN) with the remote address and the reason, at most once per 10 s per link and reason under a
 * flood ({@link DropLog}); the connection stays open.
 *
 * <p><b>Ordering and replay.</b> Frames are ordered by session and sequence number, never by their
 * timestamps, so that a step of either node's clock (NTP after a VM suspend, forward or back) does
 * not silence the link; the step shows as clock skew (MS-12) and nothing else. A session is random per
 * sender process (see {@link PeerLink}); sequence numbers count per session and link, and TCP keeps
 * them in order on a connection.
 * <ul>
 * <li>Within a session, a frame whose sequence number is not above the last accepted one on its link
 *     is a replay and is dropped. The last sequence numbers of the {@value #SESSIONS_REMEMBERED} most
 *     recent sessions are remembered, so a recorded frame of an earlier session that was seen is
 *     dropped too.</li>
 * <li>The peer has one session at a time (its process). Another session is taken as the peer's
 *     current one only when its frame is dated after the newest frame of the current session (the peer
 *     restarted; the frames of the old one are then dropped, because they are older), or when the
 *     current session has been silent for {@link Protocol#UP_INTERVALS} heartbeat intervals: its
 *     process is gone or the link was reset, and the link starts afresh. The second way is what keeps a
 *     peer that restarted with its clock stepped back from being refused; it cannot be used to push a
 *     recorded session between the real peer's frames, since that needs the real peer silent, and a
 *     recorded session is bounded by the next rule.</li>
 * <li>A frame dated more than {@link Protocol#MAX_CLOCK_SKEW} ahead of or behind this node's clock is
 *     dropped (reasons {@link DropReason#FUTURE}, {@link DropReason#STALE}): it bounds what a recorded
 *     or forged timestamp can reach. Nothing is kept from the timestamps but the newest of the current
 *     session, which only the first way of changing sessions reads, so a frame dated in the future
 *     (within the bound) cannot make later frames look old; at worst it delays the acceptance of the
 *     peer's next session by {@link Protocol#UP_INTERVALS} heartbeat intervals.</li>
 * </ul>
 *
 * <p><b>Current evidence.</b> A heartbeat is a snapshot of the sender's state when it was made. Its
 * frame says how long it waited in the sender between being made and being written to the connection
 * (for a connection being dialled, behind a full queue): {@code waitedMillis}, measured by the sender's
 * monotonic clock within its session, so neither the skew between the nodes nor a clock step on either
 * of them enters it (the timestamps could not tell a heartbeat that waited from one made just before
 * its sender's clock stepped forward). One that waited longer than the failover timeout describes a
 * state the peer may have left long ago (an "ALONE" from before it stepped down, delivered after a
 * heal) and is not delivered ({@link DropReason#OUTDATED}); newer heartbeats follow every interval. The
 * frame still shows that the link works.
 */
final class Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    /** Far more commands than can be in flight on the other link while one arrives. */
    private static final int COMMANDS_REMEMBERED = 1024;
    /** Earlier sessions of the peer whose last sequence numbers are kept (one per peer restart). */
    static final int SESSIONS_REMEMBERED = 64;

    private final String peerId;
    private final SortedMap<String, String> localFingerprint;
    private final FrameCodec codec;
    private final PeerLink.Listener listener;
    private final Clock clock;
    /** {@link Link#tick()}: durations (silence, the drop log), never dates. */
    private final LongSupplier ticks;
    private final long heartbeatMillis;
    private final long failoverMillis;
    private final DropLog dropLog = new DropLog();

    // guarded by this
    private boolean closed;
    /** The peer's current session, null before its first frame; its newest timestamp; when it was last heard. */
    private String session;
    private long sessionNewestTs;
    private long sessionHeardTick;
    /** Per session (the most recent {@value #SESSIONS_REMEMBERED}), per link: the last accepted sequence number. */
    private final Map<String, Map<String, Long>> sessionSeqs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
            return size() > SESSIONS_REMEMBERED;
        }
    };
    private String mismatch;
    private final Map<String, Boolean> commandsSeen = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > COMMANDS_REMEMBERED;
        }
    };

    Receiver(String peerId, SortedMap<String, String> localFingerprint, FrameCodec codec, PeerLink.Listener listener,
            Clock clock, LongSupplier ticks, long heartbeatMillis, long failoverMillis) {
        this.peerId = peerId;
        this.localFingerprint = localFingerprint;
        this.codec = codec;
        this.listener = listener;
        this.clock = clock;
        this.ticks = ticks;
        this.heartbeatMillis = heartbeatMillis;
        this.failoverMillis = failoverMillis;
    }

    /**
     * Stops delivering: frames still read while the link's connections and routes shut down are
     * discarded, so the listener (whose own executors may be closing too) hears nothing after this.
     */
    synchronized void close() {
        closed = true;
    }

    /** Checks one frame received on {@code link} and delivers it if it is good. */
    synchronized void frame(Link link, InboundFrame frame) {
        if (closed) {
            return;
        }
        List<Runnable> calls;
        try {
            Envelope e = codec.decode(frame.bytes());
            calls = accept(link, frame.remote(), e);
        } catch (Dropped d) {
            drop(link, frame.remote(), d.reason(), d.getMessage());
            return;
        }
        for (Runnable call : calls) {
            try {
                call.run();
            } catch (RuntimeException ex) {
                // a listener bug must not close the connection: Netty would treat it as a channel error
                LOG.error("peer link {}: listener failed", link, ex);
            }
        }
    }

    /** Counts and logs a frame that is not delivered. */
    void drop(Link link, String remote, DropReason reason, String detail) {
        link.counters.dropped(reason);
        if (reason == DropReason.SETTINGS_MISMATCH) {
            // the mismatch itself was logged as an ERROR once; one line per heartbeat would bury it
            LOG.debug("peer link {}: dropped frame from {}: {}: {}", link, remote, reason, detail);
        } else {
            long left = dropLog.admit(link.name, reason, ticks.getAsLong());
            if (left > 0) {
                LOG.warn("peer link {}: dropped frame from {}: {}: {} ({} more dropped for this reason in the last {} s"
                        + " were not logged)", link, remote, reason, detail, left, DropLog.EVERY_MILLIS / 1000);
            } else if (left == 0) {
                LOG.warn("peer link {}: dropped frame from {}: {}: {}", link, remote, reason, detail);
            } else {
                LOG.debug("peer link {}: dropped frame from {}: {}: {}", link, remote, reason, detail);
            }
        }
    }

    private List<Runnable> accept(Link link, String remote, Envelope e) throws Dropped {
        if (!e.from().equals(peerId)) {
            throw new Dropped(DropReason.UNEXPECTED_NODE, "frame from node \"" + e.from() + "\", expected \"" + peerId + "\"");
        }
        if (!e.link().equals(link.name)) {
            throw new Dropped(DropReason.WRONG_LINK, "frame signed for link \"" + e.link() + "\" arrived on link \""
                    + link.name + "\"");
        }
        Object body = switch (e.type()) {
            case HELLO -> Bodies.hello(e.body());
            case HEARTBEAT -> Bodies.heartbeat(e.body());
            case COMMAND -> Bodies.command(e.body());
            case NOTICE -> Bodies.notice(e.body());
        };
        if (body instanceof Bodies.Hello h && !h.nodeId().equals(e.from())) {
            throw new Dropped(DropReason.UNEXPECTED_NODE, "HELLO names node \"" + h.nodeId() + "\" in a frame from \"" + e.from() + "\"");
        }
        if (body instanceof Heartbeat hb && !hb.nodeId().equals(e.from())) {
            throw new Dropped(DropReason.UNEXPECTED_NODE, "heartbeat of node \"" + hb.nodeId() + "\" in a frame from \"" + e.from() + "\"");
        }
        long now = clock.millis();
        long skewLimit = Protocol.MAX_CLOCK_SKEW.toMillis();
        if (e.ts() > now + skewLimit) {
            throw new Dropped(DropReason.FUTURE, "timestamp " + e.ts() + " is " + (e.ts() - now) + " ms ahead of this"
                    + " node's clock (at most " + Durations.format(Protocol.MAX_CLOCK_SKEW) + " is taken as skew)");
        }
        if (e.ts() < now - skewLimit) {
            throw new Dropped(DropReason.STALE, "timestamp " + e.ts() + " is " + (now - e.ts()) + " ms behind this"
                    + " node's clock (at most " + Durations.format(Protocol.MAX_CLOCK_SKEW) + " is taken as skew)");
        }
        long tick = ticks.getAsLong();
        Map<String, Long> seqs = sessionSeqs.get(e.session());
        Long last = seqs == null ? null : seqs.get(link.name);
        if (last != null && e.seq() <= last) {
            throw new Dropped(DropReason.REPLAYED, "seq " + e.seq() + " of session " + e.session()
                    + " is not after the last accepted " + last);
        }
        if (session != null && !e.session().equals(session)) {
            long silent = tick - sessionHeardTick;
            if (e.ts() <= sessionNewestTs && silent <= Protocol.UP_INTERVALS * heartbeatMillis) {
                throw new Dropped(DropReason.REPLAYED, "session " + e.session() + " with timestamp " + e.ts()
                        + " is not newer than the current session " + session + " (" + sessionNewestTs
                        + "), which was heard " + silent + " ms ago");
            }
            LOG.info("peer link {}: {} has a new session {} (was {}, {})", link, peerId, e.session(), session,
                    e.ts() > sessionNewestTs ? "a newer frame" : "silent for " + silent + " ms");
        }
        if (!e.session().equals(session)) {
            session = e.session();
            sessionNewestTs = e.ts();
        }
        sessionSeqs.computeIfAbsent(e.session(), k -> new LinkedHashMap<>()).put(link.name, e.seq());
        sessionNewestTs = Math.max(sessionNewestTs, e.ts());
        sessionHeardTick = tick;

        link.lastGoodTick = tick;
        link.lastGoodMillis = now;
        link.nextDialTick = 0;
        List<Runnable> calls = new ArrayList<>(2);
        if (link.reportedUp.compareAndSet(false, true)) {
            LOG.info("peer link {}: up, {} is heard from {}", link, peerId, remote);
            calls.add(() -> listener.linkUp(link.name));
        }
        if (body instanceof Bodies.Hello h) {
            hello(h, calls);
            link.counters.accepted.increment();
        } else if (mismatch != null) {
            // MS-9: a peer with other settings must not steer this node; the link itself stays up
            drop(link, remote, DropReason.SETTINGS_MISMATCH, e.type() + " withheld: " + mismatch);
        } else if (body instanceof Heartbeat hb && waited(e) > failoverMillis) {
            // the class comment, "Current evidence"
            drop(link, remote, DropReason.OUTDATED, "heartbeat made " + waited(e) + " ms before its frame was written"
                    + " (more than the failover timeout): its " + hb.state() + " is not the peer's current state");
        } else if (body instanceof Heartbeat hb) {
            link.counters.accepted.increment();
            // positive when the peer's clock is behind ours (MS-12)
            long skew = now - hb.sentAt();
            calls.add(() -> listener.heartbeat(hb, skew));
        } else if (body instanceof Bodies.Command c) {
            link.counters.accepted.increment();
            // every link carries every command: the first copy to arrive is delivered
            if (commandsSeen.put(e.session() + "/" + c.id(), Boolean.TRUE) == null) {
                calls.add(() -> listener.command(c.name(), c.origin(), c.args()));
            } else {
                LOG.debug("peer link {}: command {} #{} already arrived on the other link", link, c.name(), c.id());
            }
        } else if (body instanceof Bodies.Notice nt) {
            link.counters.accepted.increment();
            if (commandsSeen.put(e.session() + "/notice/" + nt.id(), Boolean.TRUE) == null) {
                calls.add(() -> listener.notice(nt.content()));
            }
        }
        return calls;
    }

    /** How long a heartbeat waited at its sender (its monotonic clock), 0 when the frame does not say. */
    private static long waited(Envelope e) {
        JsonNode w = e.body().get(Bodies.WAITED);
        return w != null && w.canConvertToLong() ? w.asLong() : 0;
    }

    private void hello(Bodies.Hello h, List<Runnable> calls) {
        List<String> differ = Fingerprint.differences(localFingerprint, h.fingerprint());
        if (!differ.isEmpty()) {
            String detail = "settings differ from " + peerId + "'s: " + String.join(", ", differ);
            if (!detail.equals(mismatch)) {
                mismatch = detail;
                LOG.error("peer link: {} ({} runs Tandem {}, profile {}); its heartbeats and commands are ignored"
                        + " until the settings match (MS-9)", detail, peerId, h.version(), h.profile());
                calls.add(() -> listener.mismatch(detail));
            }
        } else if (mismatch != null) {
            mismatch = null;
            LOG.info("peer link: settings match {}'s again", peerId);
            calls.add(listener::mismatchCleared);
        }
    }
}
