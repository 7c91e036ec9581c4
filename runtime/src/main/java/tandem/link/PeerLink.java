package tandem.link;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.TandemException;
import tandem.config.Durations;
import tandem.config.NodeConfig;
import tandem.facts.Heartbeat;

/**
 * The authenticated link between the two nodes (DESIGN.md, "The peer link"; MS-9, MS-12), over
 * camel-netty TCP.
 *
 * <p>Each node listens on {@code listen.address:listen.port} and dials {@code peer.address:peer.port}:
 * one connection per direction, each carrying frames one way only, so either node can start first
 * and a node that comes back is dialled again at the next heartbeat interval. With
 * {@code peer.second-link} configured there is a second link: this node then also listens on
 * <b>{@code listen.port + 1}</b> on the same {@code listen.address} (the node file has no separate
 * setting for it), and dials {@code peer.second-link.address:peer.second-link.port}, which must be
 * the peer's own {@code listen.port + 1} on its second network. Heartbeats go out on every link;
 * those received on any link are delivered, and each link's up/down is reported separately: deciding
 * that the peer is lost (every link silent) is the engine's business.
 *
 * <p>Frames are described in {@link Protocol}. Every received frame is checked (see {@link DropReason})
 * and a bad one is counted, logged at WARN with the remote address (at most one line per 10 s
 * per link and reason under a flood), and dropped without closing
 * the link, except an oversized length prefix, after which the stream cannot be trusted.
 *
 * <p>HELLO is the first frame on every connection and is repeated every 30 s; it carries the
 * {@link Fingerprint} of the settings both nodes must share. When the peer's differs, the listener
 * hears {@link Listener#mismatch} once per change and the peer's heartbeats and commands are
 * withheld until a matching HELLO arrives ({@link Listener#mismatchCleared}). The peer compares too,
 * so both nodes report the error. While withheld, the link still counts as up: the engine must treat
 * a mismatch as "peer present but incompatible", not as a silent peer.
 *
 * <p>A link that falls silent ({@link Protocol#UP_INTERVALS} heartbeat intervals without an authentic
 * frame) has its connections reset, both ways: during a network cut the frames written meanwhile wait
 * in the kernel's send buffer, and TCP would deliver them after the heal, seconds late, describing the
 * sender as it was then (say ALONE for the moment before it stepped down); the peer would act on
 * them. A reset discards them, and the next frame dials a fresh connection.
 *
 * <p>Frames are ordered by session and sequence number, not by the wall clock, and every duration
 * of the link is measured on a monotonic clock ({@link Link#tick()}), so a clock step of either node
 * is skew (MS-12) and nothing else; the rules are in {@link Receiver}.
 *
 * <p>Known limit: replay protection lives in memory. A receiver that restarts accepts the first
 * authentic frame of any session (dated within {@link Protocol#MAX_CLOCK_SKEW}), so a frame recorded
 * earlier could be replayed once to a freshly started node, and is then superseded by the real peer's
 * newer frames; the same holds, on a running node, for a recorded frame it never received, sent
 * while the peer is silent. A holder of the cluster secret can forge anything, including a frame of
 * the peer's current session with a sequence number far ahead, which makes the peer's next frames
 * look replayed until its next session.
 *
 * <p>Listener calls come on Netty threads, possibly two at once (one per link).
 *
 * <p>The routes, endpoints and Netty groups are set up by {@link LinkWiring}; each link's frames go
 * out through its {@link Sender}.
 */
public final class PeerLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the link reports; must be thread-safe and quick (hand over to the engine's queue). */
    public interface Listener {
        /**
         * An authentic heartbeat from the peer. With a second link the same heartbeat usually
         * arrives once per link; it is a snapshot, so the second copy changes nothing.
         *
         * @param skewMillis local clock at receipt minus {@code hb.sentAt()}: positive when the peer's
         *                   clock is behind this node's (plus the transit time)
         */
        void heartbeat(Heartbeat hb, long skewMillis);

        /**
         * An operator command the peer forwards, e.g. a swap issued on the secondary, with its arguments
         * (empty when it has none, or the peer's Tandem predates arguments).
         */
        void command(String name, String origin, java.util.Map<String, String> args);

        /** A replication notice from the peer (see {@link PeerLink#sendNotice}); delivered once. */
        default void notice(com.fasterxml.jackson.databind.node.ObjectNode content) {
        }

        /** The peer's settings differ (MS-9); {@code detail} names them. Reported once per change. */
        void mismatch(String detail);

        /** The peer's settings match again after a {@link #mismatch}. */
        void mismatchCleared();

        /** An authentic frame arrived on a link that was down (or had not been heard yet). */
        default void linkUp(String link) {
        }

        /** Nothing authentic arrived on a link for {@link Protocol#UP_INTERVALS} heartbeat intervals. */
        default void linkDown(String link) {
        }
    }

    /**
     * How to run the link.
     *
     * @param tls when present, both the listener and the dialler wrap connections in TLS with this
     *            context (mutual: the listener requires a client certificate); the HMAC stays on
     */
    public record Options(Optional<SSLContext> tls) {
        public Options {
            Objects.requireNonNull(tls, "tls");
        }

        /** Plain TCP; frames are still authenticated with the cluster secret. */
        public static Options plain() {
            return new Options(Optional.empty());
        }

        /** TLS with {@code context} on top of the authenticated frames. */
        public static Options tls(SSLContext context) {
            return new Options(Optional.of(context));
        }
    }

    private final NodeConfig config;
    private final Listener listener;
    private final Clock clock;
    private final Options options;
    private final CamelContext givenContext;
    private final String nodeId;
    private final String session;
    private final FrameCodec codec;
    private final SortedMap<String, String> fingerprint;
    /** Package-private for tests that close the link while frames arrive. */
    final Receiver receiver;
    private final List<Link> links;
    private final long heartbeatMillis;
    private final String prefix;
    private final FrameEncoder.Sink sink = new Sink();
    private final AtomicLong commandIds = new AtomicLong();

    // written under this (start, close); read without it by senders, timers and Netty threads, so
    // that a timer tick never waits for close(), which waits for the tick to finish
    private volatile boolean started;
    private volatile boolean closed;
    private volatile List<Sender> senders = List.of();
    private LinkWiring wiring;
    private ThreadPoolExecutor sending;

    /** A link in a CamelContext of its own, created at {@link #start()} and closed with the link. */
    public PeerLink(NodeConfig config, Listener listener, Clock clock, Options options) {
        this(config, listener, clock, options, null);
    }

    /**
     * A link whose routes live in {@code camel}, which must be started before {@link #start()};
     * {@link #close()} removes the routes and leaves the context running.
     */
    public PeerLink(NodeConfig config, Listener listener, Clock clock, Options options, CamelContext camel) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.givenContext = camel;
        this.nodeId = config.node().id();
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        // new per PeerLink, i.e. per process start (how the peer takes a new session: Receiver's class comment)
        this.session = HexFormat.of().formatHex(id);
        this.codec = new FrameCodec(config.cluster().secret().reveal());
        this.fingerprint = Fingerprint.of(config);
        this.heartbeatMillis = Math.max(1, config.timings().heartbeatInterval().toMillis());
        this.receiver = new Receiver(config.peer().id(), fingerprint, codec, listener, clock, Link::tick,
                heartbeatMillis, config.timings().failoverTimeout().toMillis());
        this.prefix = "tandem-peer-link-" + nodeId + "-";
        List<Link> l = new ArrayList<>();
        l.add(new Link(Protocol.MAIN, config.listen(),
                new tandem.config.Endpoint(config.peer().address(), config.peer().port())));
        config.peer().secondLink().ifPresent(second -> l.add(new Link(Protocol.SECOND,
                new tandem.config.Endpoint(config.listen().address(), config.listen().port() + 1), second)));
        this.links = List.copyOf(l);
    }

    /**
     * Binds the listen port(s) and starts dialling the peer. Returns once the ports are bound.
     *
     * @throws PortInUseException when a listen port is taken (MS-11)
     * @throws TandemException    when a listen address cannot be bound for another reason
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("peer link already started");
        }
        started = true;
        try {
            sending = Sender.sendThread(prefix + "send");
            wiring = new LinkWiring(prefix, givenContext, links, options.tls(), heartbeatMillis,
                    config.timings().dialTimeout().toMillis());
            senders = wiring.start(receiver, sink, this::hello, this::watch,
                    (link, endpoint, producer) -> new Sender(link, endpoint, producer, sending, heartbeatMillis,
                            basePatience()));
            wiring.startTimers();
            hello();
        } catch (RuntimeException e) {
            stopAll();
            throw e;
        }
        LOG.info("peer link: {} listens on {} and dials {} ({}), session {}", nodeId,
                links.stream().map(k -> k.name + " " + Link.hostPort(k.listen)).toList(),
                links.stream().map(k -> k.name + " " + Link.hostPort(k.remote)).toList(),
                options.tls().isPresent() ? "TLS" : "plain TCP, HMAC-signed", session);
    }

    /**
     * Sends {@code hb} on every link. Returns at once; a peer that is down or unreachable is counted
     * in {@link LinkStats#sendFailures()}, never thrown. Ignored after {@link #close()}.
     */
    public void send(Heartbeat hb) {
        Objects.requireNonNull(hb, "hb");
        broadcast(new Outgoing(FrameType.HEARTBEAT, Bodies.heartbeat(hb), Link.tick()));
    }

    /**
     * Asks the peer to run an operator command (e.g. a swap issued on the secondary goes to the
     * primary). It goes out on every link and the peer delivers it once. Like {@link #send}, it
     * never waits and never throws for a down peer: the caller learns the outcome from the peer's
     * next heartbeats.
     */
    public void sendCommand(String name, String origin) {
        sendCommand(name, origin, java.util.Map.of());
    }

    /**
     * {@link #sendCommand(String, String)} with the command's arguments ({@link tandem.facts.CommandArgs});
     * the peer's listener hears them in the order given.
     *
     * @throws IllegalArgumentException when the arguments are not of the shape CommandArgs allows
     */
    public void sendCommand(String name, String origin, java.util.Map<String, String> args) {
        broadcast(new Outgoing(FrameType.COMMAND, Bodies.command(new Bodies.Command(
                Objects.requireNonNull(name, "name"), Objects.requireNonNull(origin, "origin"),
                commandIds.incrementAndGet(), args)), Link.tick()));
    }

    /**
     * Sends a replication notice (at most a few KiB of JSON) on every link; the peer delivers it once.
     * Like {@link #send}, it never waits and never throws for a down peer.
     */
    public void sendNotice(com.fasterxml.jackson.databind.node.ObjectNode content) {
        broadcast(new Outgoing(FrameType.NOTICE, Bodies.notice(new Bodies.Notice(commandIds.incrementAndGet(),
                Objects.requireNonNull(content, "content"))), Link.tick()));
    }

    private void broadcast(Outgoing o) {
        if (!started) {
            throw new IllegalStateException("peer link not started");
        }
        senders().forEach(s -> s.send(o));
    }

    /** Each link as of now. */
    public List<LinkState> links() {
        long now = Link.tick();
        List<LinkState> out = new ArrayList<>();
        for (Link link : links) {
            long last = link.lastGoodMillis;
            out.add(new LinkState(link.name, Link.hostPort(link.listen), Link.hostPort(link.remote),
                    up(link.lastGoodTick, now),
                    last < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last)), link.counters.snapshot()));
        }
        return out;
    }

    /** All links' counters summed. */
    public LinkStats stats() {
        return LinkStats.sum(links.stream().map(k -> k.counters.snapshot()).toList());
    }

    /** Stops listening and dialling and closes every connection. Idempotent. */
    @Override
    public synchronized void close() {
        if (!started || closed) {
            closed = true;
            return;
        }
        closed = true;
        stopAll();
        LOG.info("peer link: closed");
    }


    private void stopAll() {
        closed = true;
        // first: frames read while the routes and connections shut down reach no listener
        receiver.close();
        if (sending != null) {
            sending.shutdownNow();
            try {
                sending.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (wiring != null) {
            wiring.stop();
        }
        senders = List.of();
    }

    /** HELLO on every link; the timer's every 30 s, and the first dial at start. */
    private void hello() {
        Outgoing h = sink.hello();
        senders().forEach(s -> s.send(h));
    }

    /**
     * Every heartbeat interval: dial a link that has no connection (so the peer is found again even
     * when the engine sends nothing), give up a dial that went unanswered for longer than its
     * {@link #dialPatience patience}, and report a link down when it fell silent.
     */
    private void watch() {
        long now = Link.tick();
        for (Link link : links) {
            boolean heard = up(link.lastGoodTick, now);
            if (!heard && link.reportedUp.compareAndSet(true, false)) {
                LOG.warn("peer link {}: down, nothing authentic from {} for {} heartbeat intervals ({})", link,
                        config.peer().id(), Protocol.UP_INTERVALS,
                        Durations.format(Duration.ofMillis(Protocol.UP_INTERVALS * heartbeatMillis)));
                int closed = link.abortConnections();
                if (closed > 0) {
                    LOG.info("peer link {}: reset its {} connection(s), so that frames queued while it was silent are"
                            + " discarded, not delivered late; dialling afresh", link, closed);
                }
                safely(() -> listener.linkDown(link.name));
            }
            long patience = dialPatience(link, heard);
            if (!link.connected.get() && link.abandonDial(now - patience, now)) {
                // its SYN was most likely lost in a network cut, and TCP would send it again only a second or
                // more later, however long ago the cut healed: dial afresh rather than wait for that
                link.nextDialTick = 0;
                if (heard) {
                    // the peer is heard, so the network works both ways: the answer may be slow rather than
                    // lost (a long round trip, a loaded machine), and the next dial waits twice as long
                    link.slowDials = Math.min(link.slowDials + 1, 16);
                    LOG.info("peer link {}: {} is heard again but the dial to {} is still unanswered after {} ms;"
                            + " dialling afresh", link, config.peer().id(), Link.hostPort(link.remote), patience);
                } else {
                    LOG.debug("peer link {}: the dial to {} is unanswered after {} ms; dialling afresh", link,
                            Link.hostPort(link.remote), patience);
                }
            }
        }
        Outgoing h = null;
        for (Sender s : senders()) {
            if (!s.link.connected.get()) {
                h = h != null ? h : sink.hello();
                s.send(h);
            }
        }
    }

    /**
     * The shortest a dial waits for the peer's answer before it is given up and made afresh, and the
     * longest wait between two dials that failed: a heartbeat interval, at least this long.
     */
    static final long MIN_DIAL_PATIENCE_MILLIS = 250;

    /** A heartbeat interval, at least {@link #MIN_DIAL_PATIENCE_MILLIS}. */
    private long basePatience() {
        return Math.max(heartbeatMillis, MIN_DIAL_PATIENCE_MILLIS);
    }

    /**
     * How long {@code link}'s dial may go unanswered before it is given up and made afresh. While the
     * link is down and the network cut, each dial's SYN is lost, and TCP sends it again only after a
     * second or more (then 3 s, 7 s...), however long ago the cut healed; a fresh dial every heartbeat
     * interval (at least 250 ms) bounds what a lost SYN costs after the heal by that. Longer when an
     * answer takes longer, so that a slow network or machine is still connected: twice the time the
     * quickest answered dial took (a round trip; a dial that straddled a cut took longer), and twice as long after each dial given up while the peer was heard
     * (the network works, the answer is slow); never longer than the dial timeout, and the dial timeout
     * until the peer has answered once, unless it is heard.
     */
    private long dialPatience(Link link, boolean heard) {
        long timeout = config.timings().dialTimeout().toMillis();
        long answered = link.connectMillis;
        if (answered < 0 && !heard) {
            return timeout;
        }
        long patience = Math.max(basePatience(), 2 * answered) << Math.min(link.slowDials, 8);
        return Math.min(patience, timeout);
    }
    private List<Sender> senders() {
        return closed ? List.of() : senders;
    }

    private boolean up(long lastGood, long now) {
        return lastGood >= 0 && now - lastGood <= Protocol.UP_INTERVALS * heartbeatMillis;
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // a listener bug must not stop the watch timer
            LOG.error("peer link: listener failed", e);
        }
    }

    /** Signs frames for {@link FrameEncoder}; runs on Netty threads. */
    private final class Sink implements FrameEncoder.Sink {
        @Override
        public byte[] encode(Link link, Outgoing o) {
            com.fasterxml.jackson.databind.node.ObjectNode body = o.body();
            if (o.type() == FrameType.HEARTBEAT) {
                // how long it waited here (the receiver does not take a heartbeat that waited too long as news);
                // a copy, since every link gets the same body
                body = body.deepCopy().put(Bodies.WAITED, Math.max(0, Link.tick() - o.madeAt()));
            }
            return codec.encode(new Envelope(o.type(), nodeId, link.name, session, link.seq.incrementAndGet(),
                    clock.millis(), body));
        }

        @Override
        public Outgoing hello() {
            return new Outgoing(FrameType.HELLO, Bodies.hello(new Bodies.Hello(nodeId, Protocol.TANDEM_VERSION,
                    config.node().profile().yamlName(), fingerprint)), Link.tick());
        }

        @Override
        public long now() {
            return Link.tick();
        }

        @Override
        public long heartbeatMillis() {
            return heartbeatMillis;
        }

        @Override
        public void connected(Link link, boolean up) {
            if (link.connected.getAndSet(up) != up) {
                LOG.info("peer link {}: {} {}", link, up ? "connected to" : "connection closed to",
                        Link.hostPort(link.remote));
            }
        }
    }

}
