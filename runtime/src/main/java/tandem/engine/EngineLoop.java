package tandem.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.Daemons;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.ActionResult;
import tandem.facts.Heartbeat;
import tandem.facts.ProbeResult;

/**
 * The engine's one thread. Routes and other threads hand it observations through {@link #observe},
 * {@link #tick} and {@link #submit}; only this loop's thread ever calls the {@link Engine}, which is
 * created on it. This is the bean the routes call {@code engine} and {@code commands}.
 */
public final class EngineLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    /** How long an operator waits for the rules' answer before being told the engine is busy. */
    private static final long ANSWER_TIMEOUT_S = 10;

    private final String nodeId;
    private final Supplier<Engine> factory;
    private volatile java.util.function.Consumer<NodeStatus> afterCycle = st -> { };
    private final ExecutorService thread;
    private volatile Engine engine;

    /** @param factory creates (and boots) the engine; called once, on the loop's thread, by {@link #start()} */
    public EngineLoop(String nodeId, Supplier<Engine> factory) {
        this.nodeId = nodeId;
        this.factory = factory;
        this.thread = Executors.newSingleThreadExecutor(Daemons.named("tandem-engine-" + nodeId));
    }

    /** Called on the engine's thread after every cycle with the new snapshot (e.g. to send a heartbeat at once when it changed). */
    public void afterCycle(java.util.function.Consumer<NodeStatus> callback) {
        this.afterCycle = callback;
    }

    /** The latest snapshot of the node, or null before {@link #start()}; safe from any thread. */
    public NodeStatus status() {
        Engine e = engine;
        return e == null ? null : e.status();
    }

    /** Queues a change of the peer's settings match (MS-9): {@code detail} null when they match again. */
    public void mismatch(String detail) {
        thread.execute(() -> {
            try {
                logCycle(detail == null ? ready().mismatchCleared() : ready().mismatch(detail));
            } catch (RuntimeException ex) {
                LOG.error("{}: cycle failed", nodeId, ex);
            }
        });
    }

    /** Creates the engine on the loop's thread and waits until it has booted. */
    public void start() {
        await(thread.submit(() -> {
            engine = factory.get();
            afterCycle.accept(engine.status());
            return null;
        }));
    }

    /**
     * Queues an observation: a {@link Heartbeat}, a {@link ProbeResult} or a list of them (one round),
     * an {@link ActionResult}, or a {@link tandem.facts.SyncDue}.
     */
    public void observe(Object observation) {
        thread.execute(() -> {
            Engine e = ready();
            // the cycle's top level: log everything and keep running (Patroni's run_cycle)
            try {
                CycleOutcome out;
                if (observation instanceof Heartbeat hb) {
                    out = e.heartbeat(hb);
                } else if (observation instanceof ProbeResult r) {
                    out = e.probes(java.util.List.of(r));
                } else if (observation instanceof java.util.List<?> round
                        && round.stream().allMatch(ProbeResult.class::isInstance)) {
                    out = e.probes(round.stream().map(ProbeResult.class::cast).toList());
                } else if (observation instanceof ActionResult r) {
                    out = e.actionResult(r);
                } else if (observation instanceof tandem.facts.SyncDue d) {
                    out = e.syncDue(d);
                } else {
                    LOG.warn("{}: observation of unknown type {} ignored", nodeId,
                            observation == null ? "null" : observation.getClass().getName());
                    return;
                }
                logCycle(out);
            } catch (RuntimeException ex) {
                LOG.error("{}: cycle failed", nodeId, ex);
            }
        });
    }

    /** Queues a check cycle. */
    public void tick() {
        thread.execute(() -> {
            try {
                logCycle(ready().tick());
            } catch (RuntimeException ex) {
                LOG.error("{}: cycle failed", nodeId, ex);
            }
        });
    }

    /** Queues the news that the peer link listens and dials (the peer's silence counts from then). */
    public void linkListening() {
        thread.execute(() -> {
            try {
                logCycle(ready().linkListening());
            } catch (RuntimeException ex) {
                LOG.error("{}: cycle failed", nodeId, ex);
            }
        });
    }

    /** Hands an operator command to the rules and waits for their answer. */
    public CommandAnswer submit(String name) {
        return submit(name, "operator");
    }

    public CommandAnswer submit(String name, String origin) {
        CycleOutcome out = await(thread.submit(() -> {
            CycleOutcome o = ready().command(name, origin);
            logCycle(o);
            return o;
        }));
        return out.answers().stream().filter(a -> a.command().equals(name)).findFirst()
                .orElse(new CommandAnswer(name, false, "no answer", null));
    }

    private void logCycle(CycleOutcome out) {
        if (!out.applied().isEmpty()) {
            LOG.info("{}: {}", nodeId, out.reason());
        }
        // always on the engine's thread: every caller runs inside the executor
        afterCycle.accept(engine.status());
    }

    private Engine ready() {
        Engine e = engine;
        if (e == null) {
            throw new IllegalStateException("the engine of " + nodeId + " is not started");
        }
        return e;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the engine did not answer within " + ANSWER_TIMEOUT_S + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        Engine e = engine;
        if (e != null) {
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
