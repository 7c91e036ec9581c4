package tandem.link;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.facts.Heartbeat;

/**
 * Checks every received frame and hands the good ones to the {@link PeerLink.Listener}. Frames
 * from both links arrive on different Netty threads, so checks and listener calls run under one
 * lock: the listener hears a mismatch, its clearing and the heartbeats around them in the order
 * they were decided (the listener is quick; it hands over to the engine's queue).
 *
 * <p>Order of checks: length (in {@link FrameDecoder}), version, HMAC, JSON, sender id, link name,
 * body, staleness, replay, then settings match. A frame that fails any of them is counted and
 * logged (WARN) with the remote address and the reason, at most once per 10 s per link and reason
 * under a flood ({@link DropLog}); the connection stays open.
 */
final class Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    /** Far more commands than can be in flight on the other link while one arrives. */
    private static final int COMMANDS_REMEMBERED = 1024;

    private final String peerId;
    private final SortedMap<String, String> localFingerprint;
    private final FrameCodec codec;
    private final PeerLink.Listener listener;
    private final Clock clock;
    private final DropLog dropLog = new DropLog();

    // guarded by this
    private long peerNewestTs = Long.MIN_VALUE;
    private String mismatch;
    private final Map<String, Boolean> commandsSeen = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > COMMANDS_REMEMBERED;
        }
    };

    Receiver(String peerId, SortedMap<String, String> localFingerprint, FrameCodec codec, PeerLink.Listener listener,
            Clock clock) {
        this.peerId = peerId;
        this.localFingerprint = localFingerprint;
        this.codec = codec;
        this.listener = listener;
        this.clock = clock;
    }

    /** Checks one frame received on {@code link} and delivers it if it is good. */
    synchronized void frame(Link link, InboundFrame frame) {
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
            long left = dropLog.admit(link.name, reason, clock.millis());
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
        if (peerNewestTs != Long.MIN_VALUE && e.ts() < peerNewestTs - Protocol.MAX_BACKDATE.toMillis()) {
            throw new Dropped(DropReason.STALE, "timestamp " + e.ts() + " is " + (peerNewestTs - e.ts())
                    + " ms older than the newest accepted frame of " + peerId);
        }
        if (link.peerSession != null) {
            if (e.session().equals(link.peerSession)) {
                if (e.seq() <= link.peerSeq) {
                    throw new Dropped(DropReason.REPLAYED, "seq " + e.seq() + " of session " + e.session()
                            + " is not after the last accepted " + link.peerSeq);
                }
            } else if (e.ts() <= link.peerTs) {
                throw new Dropped(DropReason.REPLAYED, "session " + e.session() + " with timestamp " + e.ts()
                        + " is not newer than the last frame of session " + link.peerSession + " (" + link.peerTs + ")");
            }
        }
        link.peerSession = e.session();
        link.peerSeq = e.seq();
        link.peerTs = e.ts();
        peerNewestTs = Math.max(peerNewestTs, e.ts());

        long now = clock.millis();
        link.lastGoodMillis = now;
        link.nextDialMillis = 0;
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
        } else if (body instanceof Heartbeat hb) {
            link.counters.accepted.increment();
            // positive when the peer's clock is behind ours (MS-12)
            long skew = now - hb.sentAt();
            calls.add(() -> listener.heartbeat(hb, skew));
        } else if (body instanceof Bodies.Command c) {
            link.counters.accepted.increment();
            // every link carries every command: the first copy to arrive is delivered
            if (commandsSeen.put(e.session() + "/" + c.id(), Boolean.TRUE) == null) {
                calls.add(() -> listener.command(c.name(), c.origin()));
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
