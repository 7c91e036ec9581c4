package tandem.link;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tandem.config.Endpoint;

/**
 * Per-link state: where it listens and dials, its counters, the outbound sequence, and the replay
 * window of what it received.
 */
final class Link {
    final String name;
    final Endpoint listen;
    final Endpoint remote;
    final LinkCounters counters = new LinkCounters();

    /** Last sequence number written on this link (this process's session). */
    final AtomicLong seq = new AtomicLong();

    /** Local clock at the last authentic frame, -1 before the first. */
    volatile long lastGoodMillis = -1;

    /** Whether linkUp was reported last (true) or linkDown / nothing yet (false). */
    final AtomicBoolean reportedUp = new AtomicBoolean();

    /** An outbound connection to the peer is open. */
    final AtomicBoolean connected = new AtomicBoolean();

    /** The last send failed; the next success is logged. */
    final AtomicBoolean sendFailing = new AtomicBoolean();

    /**
     * Dial back-off while the peer cannot be reached: after n failed sends in a row the next dial
     * waits 2^n heartbeat intervals, at most {@link Protocol#MAX_DIAL_BACKOFF}; a frame heard from
     * the peer ends it at once (it is back, so dial now). An absent peer costs a connection attempt
     * every few seconds instead of two a second.
     */
    volatile int failedSends;
    volatile long nextDialMillis;

    // Replay window of the peer's frames on this link; guarded by the Receiver's lock.
    String peerSession;
    long peerSeq;
    long peerTs;

    Link(String name, Endpoint listen, Endpoint remote) {
        this.name = name;
        this.listen = listen;
        this.remote = remote;
    }

    static String hostPort(Endpoint e) {
        return (e.address().contains(":") ? "[" + e.address() + "]" : e.address()) + ":" + e.port();
    }

    @Override
    public String toString() {
        return name;
    }
}
