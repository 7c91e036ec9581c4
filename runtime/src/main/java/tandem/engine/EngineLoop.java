package tandem.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
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
 *
 * <p>The loop also notices when it did not run for a while: its thread turns at least every
 * {@link #watchMillis} (an empty turn when nothing else comes), and every turn first measures, by
 * the monotonic clock, how long it has been since the last one ended and how long that one took. A
 * gap longer than half the failover timeout means the process was frozen (SIGSTOP, a paused VM, a
 * stall): the engine takes a {@link tandem.facts.Resumed} before the turn's own work, so the rules
 * decide what the pause means before anything that waited meanwhile (a queued heartbeat of the
 * peer, a tick) is looked at. Until that turn has run, {@link #current()} hands out nothing.
 */
public final class EngineLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    /** How long an operator waits for the rules' answer before being told the engine is busy. */
    private static final long ANSWER_TIMEOUT_S = 10;

    private final String nodeId;
    private final Supplier<Engine> factory;
    private volatile java.util.function.Consumer<NodeStatus> afterCycle = st -> { };
    private final ScheduledExecutorService thread;
    private volatile Engine engine;
    /** Gaps longer than this (nanoseconds) are reported to the engine; set once the engine exists. */
    private volatile long pauseNanos = Long.MAX_VALUE;
    /** When the last turn started and ended (System.nanoTime); 0 before the first. */
    private long lastStart;
    private volatile long lastEnd;

    /** @param factory creates (and boots) the engine; called once, on the loop's thread, by {@link #start()} */
    public EngineLoop(String nodeId, Supplier<Engine> factory) {
        this.nodeId = nodeId;
        this.factory = factory;
        this.thread = Executors.newSingleThreadScheduledExecutor(Daemons.named("tandem-engine-" + nodeId));
    }

    /** How often the loop turns at least, for a failover timeout of {@code failoverMs}: an eighth of it, 10 ms to 500 ms. */
    static long watchMillis(long failoverMs) {
        return Math.max(10, Math.min(500, failoverMs / 8));
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

    /**
     * The latest snapshot while the engine keeps turning: null before {@link #start()} and while its
     * last turn ended longer ago than a reported pause (the node may have been frozen, and until the
     * rules have seen that, the snapshot is not what this node stands for: a heartbeat built from it
     * could tell the peer that a node which is stepping down is active). Safe from any thread.
     */
    public NodeStatus current() {
        Engine e = engine;
        long end = lastEnd;
        if (e == null || end != 0 && System.nanoTime() - end > pauseNanos) {
            return null;
        }
        return e.status();
    }

    /** Queues a change of the peer's settings match (MS-9): {@code detail} null when they match again. */
    public void mismatch(String detail) {
        thread.execute(() -> turn(() -> {
            try {
                logCycle(detail == null ? ready().mismatchCleared() : ready().mismatch(detail));
            } catch (RuntimeException ex) {
                LOG.error("{}: cycle failed", nodeId, ex);
            }
        }));
    }

    /** Creates the engine on the loop's thread and waits until it has booted. */
    public void start() {
        await(onThread(() -> {
            engine = factory.get();
            afterCycle.accept(engine.status());
            return null;
        }));
        long failoverMs = engine.setup().settings().failoverTimeoutMs();
        pauseNanos = TimeUnit.MILLISECONDS.toNanos(failoverMs / 2);
        long watch = watchMillis(failoverMs);
        thread.scheduleWithFixedDelay(() -> turn(() -> { }), watch, watch, TimeUnit.MILLISECONDS);
    }

    /**
     * One turn of the loop's thread: first a pause since the last turn, if there was one, goes to the
     * engine, then {@code work}.
     */
    private void turn(Runnable work) {
        long start = System.nanoTime();
        Engine e = engine;
        if (e != null && lastEnd != 0) {
            // a freeze lies either between two turns or inside one (the thread was stopped mid-turn)
            long gap = Math.max(start - lastEnd, lastEnd - lastStart);
            if (gap > pauseNanos) {
                try {
                    logCycle(e.resumed(TimeUnit.NANOSECONDS.toMillis(gap)));
                } catch (RuntimeException ex) {
                    LOG.error("{}: cycle failed", nodeId, ex);
                }
            }
        }
        lastStart = start;
        try {
            work.run();
        } finally {
            lastEnd = System.nanoTime();
        }
    }

    private <T> Future<T> onThread(Callable<T> work) {
        return thread.submit(() -> {
            Object[] result = new Object[1];
            turn(() -> {
                try {
                    result[0] = work.call();
                } catch (RuntimeException ex) {
                    throw ex;
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            @SuppressWarnings("unchecked")
            T t = (T) result[0];
            return t;
        });
    }

    /**
     * Queues an observation: a {@link Heartbeat}, a {@link ProbeResult} or a list of them (one round),
     * an {@link ActionResult}, or a {@link tandem.facts.SyncDue}.
     */
    public void observe(Object observation) {
        thread.execute(() -> turn(() -> {
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
        }));
    }

    /** Queues a check cycle. */
    public void tick() {
        thread.execute(() -> turn(() -> {
            try {
                logCycle(ready().tick());
            } catch (RuntimeException ex) {
                LOG.error("{}: cycle failed", nodeId, ex);
            }
        }));
    }

    /** Hands an operator command to the rules and waits for their answer. */
    public CommandAnswer submit(String name) {
        return submit(name, "operator");
    }

    public CommandAnswer submit(String name, String origin) {
        CycleOutcome out = await(onThread(() -> {
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
