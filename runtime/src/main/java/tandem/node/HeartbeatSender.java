package tandem.node;

import java.time.Clock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tandem.config.NodeConfig;
import tandem.engine.NodeStatus;
import tandem.facts.Heartbeat;

/**
 * The {@code heartbeat} bean of the route {@code peer-heartbeat}: sends this node's heartbeat at every
 * beat, and at once after a cycle that changed what the peer must know (state, data, generation,
 * whether the services are held), so the peer reacts without waiting for the next beat.
 */
public final class HeartbeatSender {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeartbeatSender.class);
    private final NodeConfig config;
    private final Supplier<NodeStatus> status;
    private final Predicate<Heartbeat> link;
    private final Clock clock;
    private volatile Heartbeat lastSent;

    /** @param link sends a heartbeat; false when it could not be handed to the link (not up yet) */
    public HeartbeatSender(NodeConfig config, Supplier<NodeStatus> status, Predicate<Heartbeat> link, Clock clock) {
        this.config = config;
        this.status = status;
        this.link = link;
        this.clock = clock;
    }

    /** Route {@code peer-heartbeat}. */
    public void beat() {
        NodeStatus st = status.get();
        if (st != null) {
            send(st);
        }
    }

    /** After every cycle, on the engine's thread. */
    public void changed(NodeStatus st) {
        Heartbeat last = lastSent;
        if (last == null || last.state() != st.state() || last.data() != st.data()
                || last.generation() != st.generation() || last.holding() != st.activity().holding()) {
            send(st);
        }
    }

    private void send(NodeStatus st) {
        Heartbeat hb = new Heartbeat(st.nodeId(), st.state(), st.data(), st.generation(), st.activity().holding(),
                config.node().priority(), clock.millis());
        boolean first = lastSent == null;
        if (!link.test(hb)) {
            return;
        }
        lastSent = hb;
        if (first) {
            // bench/footprint measures start-up up to this line
            LOG.info("{}: first heartbeat sent, {} ms after the JVM started", st.nodeId(),
                    clock.millis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        }
    }
}
