package tandem.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tandem.config.Endpoint;

/**
 * Per-link state: where it listens and dials, its counters and the outbound sequence (what it
 * received is ordered by the {@link Receiver}, which keeps the sequence numbers per session and link).
 *
 * <p>Durations on a link (silence, dials, back-off, how long a frame waited) are measured with
 * {@link #tick()}, a monotonic clock, never with the wall clock: a step of the wall clock (NTP after a
 * VM was suspended, an operator's {@code date -s}) must neither silence the link nor keep a dead one
 * up. The wall clock only dates frames and measures the skew between the nodes (MS-12).
 */
final class Link {
    final String name;
    final Endpoint listen;
    final Endpoint remote;
    final LinkCounters counters = new LinkCounters();

    /** Last sequence number written on this link (this process's session). */
    final AtomicLong seq = new AtomicLong();

    /** {@link #tick()} at the last authentic frame, -1 before the first. */
    volatile long lastGoodTick = -1;

    /** The wall clock at the last authentic frame (what {@link LinkState} shows), -1 before the first. */
    volatile long lastGoodMillis = -1;

    /** Whether linkUp was reported last (true) or linkDown / nothing yet (false). */
    final AtomicBoolean reportedUp = new AtomicBoolean();

    /** An outbound connection to the peer is open. */
    final AtomicBoolean connected = new AtomicBoolean();

    /** The last send failed; the next success is logged. */
    final AtomicBoolean sendFailing = new AtomicBoolean();

    /**
     * Dial back-off while the peer cannot be reached: after n failed dials in a row the next one
     * waits 2^(n-1) heartbeat intervals, at most the dial patience (a heartbeat interval, at least
     * 250 ms; {@code PeerLink.dialPatience}), so that a peer that answers again is dialled within
     * that; a frame heard from the peer ends it at once (it is back, so dial now).
     */
    volatile int failedSends;
    /** {@link #tick()} before which no dial is made; 0 when dialling is allowed. */
    volatile long nextDialTick;

    /** The open outbound connection (this node's frames to the peer), null when there is none. */
    volatile Channel outbound;

    /** The outbound connection being dialled (not connected yet), null when none; since when ({@link #tick()}). */
    volatile Channel dialling;
    volatile long diallingSince;
    /** When this node last gave up a dial ({@link #abandonDial}; {@link #tick()}), -1 never. */
    volatile long abandonedAt = -1;
    /** How long the quickest answered dial took (ms; about a round trip), -1 before the first. */
    volatile long connectMillis = -1;
    /** Dials given up in a row while the peer was heard (an answer slower than the patience); 0 after a connection. */
    volatile int slowDials;

    /** Open inbound connections (the peer's frames to this node); usually one. */
    final Set<Channel> inbound = ConcurrentHashMap.newKeySet();

    Link(String name, Endpoint listen, Endpoint remote) {
        this.name = name;
        this.listen = listen;
        this.remote = remote;
    }

    /**
     * Aborts every connection of this link: SO_LINGER 0, so the kernel sends a reset and discards
     * what is still queued instead of delivering it later. Called when the link fell silent: frames
     * written during a network cut wait in the socket's send buffer and TCP would deliver them once
     * the cut heals, a burst of heartbeats that describe the sender as it was seconds ago (e.g. still
     * ALONE before it stepped down), on which the peer would act. The next frame dials afresh.
     *
     * @return how many connections were closed
     */
    int abortConnections() {
        List<Channel> all = new ArrayList<>(inbound);
        Channel out = outbound;
        if (out != null) {
            all.add(out);
        }
        for (Channel ch : all) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // already closed; close() below is a no-op then
            }
            ch.close();
        }
        return all.size();
    }

    /**
     * Gives up the outbound dial when it has waited since {@code before} or longer without being
     * answered. A dial whose SYN was lost in a network cut waits for TCP's retransmission, a second or
     * more, after the cut healed; while it waits the peer hears nothing from this node, even though
     * the peer's own connection (and the witness) already work. The next frame dials afresh. Not on
     * an event loop: it waits (briefly) for the dial to end.
     *
     * @return whether a dial was given up
     */
    boolean abandonDial(long before, long now) {
        Channel d = dialling;
        if (d != null && !d.isOpen()) {
            dialling = null; // it failed by itself (timed out, refused): nothing to give up
            return false;
        }
        if (d == null || d.isActive() || diallingSince > before) {
            return false;
        }
        dialling = null;
        abandonedAt = now;
        // until the dial has failed, the producer would hand the next frame to it rather than dial afresh;
        // closing takes the event loop a moment (not to be called on it)
        d.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        return true;
    }

    /** The longest {@link #abandonDial} waits for the dial to end. */
    private static final long CLOSE_WAIT_MILLIS = 200;

    private static final long ORIGIN = System.nanoTime();

    /**
     * Milliseconds of a monotonic clock, 1 when this class was loaded, so that -1 and 0 stay free as
     * "never": for durations only, never for dates.
     */
    static long tick() {
        return (System.nanoTime() - ORIGIN) / 1_000_000 + 1;
    }

    static String hostPort(Endpoint e) {
        return (e.address().contains(":") ? "[" + e.address() + "]" : e.address()) + ":" + e.port();
    }

    @Override
    public String toString() {
        return name;
    }
}
