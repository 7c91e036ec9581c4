package tandem.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import tandem.engine.CycleOutcome;
import tandem.engine.EngineLoop;
import tandem.engine.NodeStatus;
import tandem.facts.ActionResult;
import tandem.facts.DataState;
import tandem.facts.Decision;
import tandem.facts.NodeState;
import tandem.link.DropReason;
import tandem.link.LinkState;

/**
 * The node's metrics for Prometheus ({@code GET /metrics}, Micrometer): state and data state, the peer as
 * last heard, state changes and takeovers, decisions per rule, actions and their results (transfers and
 * mails among them), the peer link's frames, failures and drops per link, the replication's last cycle and
 * the bytes it copied. Read from what the node already knows; counting never blocks the engine.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile NodeState last;
    // held here: Micrometer keeps only weak references to what its gauges and function counters read
    private final Supplier<List<LinkState>> links;
    private final Supplier<Map<String, Object>> replication;
    private final LongSupplier copiedBytes;

    /**
     * @param links       the peer link's links as they are now (empty before the link starts)
     * @param replication what the replication says of itself ({@code lastAt}, {@code lastCycle.bytes}, {@code lastError})
     * @param clock       the wall clock (epoch ms)
     */
    public Metrics(String nodeId, EngineLoop loop, Supplier<List<LinkState>> links,
            Supplier<Map<String, Object>> replication, LongSupplier copiedBytes, LongSupplier clock) {
        this.links = links;
        this.replication = replication;
        this.copiedBytes = copiedBytes;
        registry.config().commonTags("node", nodeId);
        for (NodeState s : NodeState.values()) {
            Gauge.builder("tandem_node_state", loop, l -> l.status() != null && l.status().state() == s ? 1 : 0)
                    .description("1 for this node's state, 0 for the others").tag("state", s.name()).strongReference(true).register(registry);
            Gauge.builder("tandem_peer_state", loop, l -> peer(l) != null && peer(l).state() == s ? 1 : 0)
                    .description("1 for the peer's state as last heard, 0 for the others").tag("state", s.name())
                    .strongReference(true).register(registry);
        }
        Gauge.builder("tandem_data_uptodate", loop, l -> l.status() != null && l.status().data() == DataState.UPTODATE ? 1 : 0)
                .description("1 when this node's data is uptodate").strongReference(true).register(registry);
        Gauge.builder("tandem_generation", loop, l -> l.status() == null ? 0 : l.status().generation())
                .description("the generation of this node's data (it grows at every takeover)").strongReference(true).register(registry);
        Gauge.builder("tandem_peer_last_heard_seconds", loop, l -> peer(l) == null ? -1
                        : (clock.getAsLong() - peer(l).lastHeardAt()) / 1000.0)
                .description("seconds since the peer was last heard (-1: never)").strongReference(true).register(registry);
        Gauge.builder("tandem_resources_down", loop, l -> l.status() == null ? 0
                        : l.status().resources().stream().filter(r -> r.status().equals("down")).count())
                .description("resources whose check fails").strongReference(true).register(registry);
        FunctionCounter.builder("tandem_link_frames_sent_total", links, ls -> sum(ls.get(), s -> s.stats().framesSent()))
                .description("frames written to the peer, all links").register(registry);
        FunctionCounter.builder("tandem_link_frames_accepted_total", links, ls -> sum(ls.get(), s -> s.stats().framesAccepted()))
                .description("authentic frames from the peer handled, all links").register(registry);
        FunctionCounter.builder("tandem_link_send_failures_total", links, ls -> sum(ls.get(), s -> s.stats().sendFailures()))
                .description("frames that could not be written (peer down, refused, reset), all links").register(registry);
        for (DropReason r : DropReason.values()) {
            FunctionCounter.builder("tandem_link_frames_dropped_total", links, ls -> sum(ls.get(), s -> s.stats().dropped(r)))
                    .description("frames from the peer dropped, per reason, all links")
                    .tag("reason", r.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        Gauge.builder("tandem_links_up", links, ls -> ls.get().stream().filter(LinkState::up).count())
                .description("peer links that carry frames now").strongReference(true).register(registry);
        Gauge.builder("tandem_replication_last_cycle_age_seconds", replication, r -> age(r.get(), clock.getAsLong()))
                .description("seconds since the last replication cycle that succeeded here (-1: none yet)").strongReference(true).register(registry);
        Gauge.builder("tandem_replication_error", replication, r -> r.get().get("lastError") == null ? 0 : 1)
                .description("1 while the last replication cycle failed").strongReference(true).register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        FunctionCounter.builder("tandem_replication_copied", copiedBytes, LongSupplier::getAsLong)
                .description("bytes the replication copied to this node").baseUnit("bytes").register(registry);
        loop.onCycle(out -> {
            cycle(out);
            NodeStatus st = loop.status();
            if (st != null) {
                state(st.state());
            }
        });
        loop.onResult(this::result);
    }

    private static NodeStatus.PeerView peer(EngineLoop l) {
        NodeStatus st = l.status();
        return st == null ? null : st.peer();
    }

    private static double sum(List<LinkState> links, java.util.function.ToLongFunction<LinkState> f) {
        return links.stream().mapToLong(f).sum();
    }

    private static double age(Map<String, Object> r, long now) {
        Object at = r.get("lastAt");
        return at == null ? -1 : (now - Instant.parse(at.toString()).toEpochMilli()) / 1000.0;
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join("\n", tags), k -> Counter.builder(name)
                .description(description).tags(Tags.of(tags)).register(registry));
    }

    /** Counts the cycle's decisions per rule, and the state change it made. */
    void cycle(CycleOutcome out) {
        for (Decision d : out.applied()) {
            counter("tandem_decisions", "decisions applied, per rule", "rule", d.rule()).increment();
        }
    }

    /** Counts the state changes seen in the snapshots after each cycle; a takeover is SECOND -> ALONE. */
    void state(NodeState now) {
        NodeState before = last;
        last = now;
        if (before == null || before == now) {
            return;
        }
        counter("tandem_state_changes", "state changes of this node", "from", before.name(), "to", now.name()).increment();
        if (before == NodeState.SECOND && now == NodeState.ALONE) {
            counter("tandem_takeovers", "takeovers: this node went from SECOND to ALONE").increment();
        }
    }

    void result(ActionResult r) {
        counter("tandem_actions", "action results, per action and result", "action", r.action(), "result",
                r.ok() ? "ok" : r.finding().isEmpty() ? "failed" : "finding").increment();
    }

    /** The Prometheus text format of every metric. */
    public String scrape() {
        return registry.scrape();
    }
}
