package tandem.node;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tandem.Daemons;
import tandem.checks.Check;
import tandem.config.Checker;
import tandem.config.CheckerType;
import tandem.config.NodeConfig;
import tandem.engine.NodeStatus;
import tandem.engine.Setups;
import tandem.facts.ClockSkew;
import tandem.facts.ProbeResult;
import tandem.facts.Reading;
import tandem.link.LinkState;

/**
 * The {@code checks} bean of the route {@code probe-loop}: runs every checker that is due and reports
 * the peer link's own resources (MS-7 heartbeat links) and the clock difference it measured (MS-12).
 * Observes only; the results go to the engine's queue, where the rules decide what they mean (how far
 * the clocks may differ, too). A checker the rules hold unchecked now (an active-only one while the
 * services do not run) is not run: the engine's status says which.
 */
public final class ProbeRunner {

    private final List<Check> checks;
    private final Map<String, Long> intervalMs = new HashMap<>();
    /** Checks that only read local tables and never wait on the network or a command. */
    private final Set<String> inProcess = new java.util.HashSet<>();
    private final Map<String, Long> nextDue = new HashMap<>();
    private final Supplier<List<LinkState>> links;
    private final Supplier<NodeStatus> status;
    private final Clock clock;
    private volatile Long lastSkew;
    private final long roundBudgetMs;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool(Daemons.named("tandem-check"));
    private volatile Consumer<ProbeResult> late = r -> { };

    public ProbeRunner(NodeConfig c, List<Check> checks, Supplier<List<LinkState>> links, Supplier<NodeStatus> status,
                       Clock clock) {
        this.checks = List.copyOf(checks);
        this.links = links;
        this.status = status;
        this.clock = clock;
        long base = c.timings().checkInterval().toMillis();
        this.roundBudgetMs = Math.max(10, base / 2);
        for (Checker ch : tandem.redundancy.ActiveProbes.all(c)) {
            intervalMs.put(ch.resource(), ch.interval().map(d -> d.toMillis()).orElse(base));
            if (ch.type() == CheckerType.PROC || ch.type() == CheckerType.INTERFACE || ch.type() == CheckerType.VIP) {
                inProcess.add(ch.resource());
            }
        }
    }

    /** Where a result goes that came back after its round had been handed over (the engine's queue). */
    public void onLate(Consumer<ProbeResult> sink) {
        this.late = sink;
    }

    /** The peer's clock difference, as the peer link measured it at the last heartbeat. */
    public void skew(long millis) {
        lastSkew = millis;
    }

    /** Every result due now, in configuration order, then the link resources and the clock's measurement. */
    public List<Reading> probeAll() {
        long now = clock.millis();
        NodeStatus st = status.get();
        List<Reading> out = new ArrayList<>();
        List<CompletableFuture<ProbeResult>> started = new ArrayList<>();
        for (Check c : checks) {
            String r = c.resource();
            if (st != null && !st.checked(r)) {
                continue;
            }
            if (now < nextDue.getOrDefault(r, Long.MIN_VALUE)) {
                continue;
            }
            if (!inFlight.add(r)) {
                continue;   // the previous probe of this resource has not come back yet
            }
            nextDue.put(r, now + intervalMs.getOrDefault(r, 0L) - 50);
            if (inProcess.contains(r)) {
                // reads of this machine's own tables (processes, interfaces): quick, done here
                try {
                    out.add(c.probe(now));
                } finally {
                    inFlight.remove(r);
                }
                continue;
            }
            started.add(CompletableFuture.supplyAsync(() -> c.probe(now), pool)
                    .whenComplete((result, failure) -> inFlight.remove(r)));
        }
        // the checks run side by side, so a slow one (a custom command, a ping) does not hold up the
        // others; what is not back within the round's budget reaches the engine on its own when it is
        long deadline = System.nanoTime() + roundBudgetMs * 1_000_000L;
        for (CompletableFuture<ProbeResult> f : started) {
            try {
                out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                f.thenAccept(result -> late.accept(result));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                // a Check never throws (its contract); if one does, that is a bug worth the log
                throw new IllegalStateException("a checker threw instead of reporting", e.getCause());
            }
        }
        for (LinkState l : links.get()) {
            out.add(new ProbeResult("link." + l.name(), l.up(), l.up() ? "frames from " + l.remote()
                    : "no frame from " + l.remote() + " lately", now));
        }
        Long skew = lastSkew;
        if (skew != null) {
            out.add(new ClockSkew(Setups.CLOCK, skew, now));
        }
        return out;
    }
}
