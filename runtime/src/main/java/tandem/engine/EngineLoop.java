package tandem.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>The loop also notices when the whole process did not run for a while (SIGSTOP, a paused VM, a
 * long stop-the-world pause): a watch thread wakes every {@link #watchMillis} and, like every turn
 * of the engine's thread, notes by the monotonic clock how long it has been since the last sign of
 * life of either. A gap longer than half the failover timeout is a pause: the engine takes a
 * {@link tandem.facts.Resumed} at the start of its next turn, before the turn's own work, so the
 * rules decide what the pause means before anything that waited meanwhile (a queued heartbeat of
 * the peer, a tick) is looked at. Until then {@link #current()} hands out nothing. The engine's
 * thread alone being slow (a slow disk under its state file) is no pause: the watch goes on.
 */
public final class EngineLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    /** How long an operator waits for the rules' answer before being told the engine is busy. */
    private static final long ANSWER_TIMEOUT_S = 10;
    /** How long a swap may hold the engine's thread: routes stopped and started, a new session filled. */
    private static final long SWAP_TIMEOUT_S = 120;

    private final String nodeId;
    private final Supplier<Engine> factory;
    private volatile java.util.function.Consumer<NodeStatus> afterCycle = st -> { };
    private final ExecutorService thread;
    private volatile Engine engine;
    /** The monotonic clock in nanoseconds: System::nanoTime, settable in tests. */
    private final java.util.function.LongSupplier nanos;
    /** Gaps longer than this (nanoseconds) are pauses; set once the engine exists. */
    private volatile long pauseNanos = Long.MAX_VALUE;
    /** The last sign of life of the process: the watch thread woke, or the engine's thread turned. */
    private final java.util.concurrent.atomic.AtomicLong alive = new java.util.concurrent.atomic.AtomicLong();
    /** A pause (milliseconds) that the rules have not been told of yet; 0 when there is none. */
    private final java.util.concurrent.atomic.AtomicLong unreported = new java.util.concurrent.atomic.AtomicLong();
    /** Guards {@code alive} and {@code unreported} together: a pause is noted in both at once or not at all. */
    private final Object pauses = new Object();
    /** The pause the current turn's cycles took in (milliseconds), 0 for none; the engine's thread only. */
    private long takenInTurn;
    private volatile Thread watch;
    private final CommandTickets tickets = new CommandTickets(System::currentTimeMillis);
    private final List<java.util.function.Consumer<CycleOutcome>> cycleListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<ActionResult>> resultListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** @param factory creates (and boots) the engine; called once, on the loop's thread, by {@link #start()} */
    public EngineLoop(String nodeId, Supplier<Engine> factory) {
        this(nodeId, factory, System::nanoTime);
    }

    /** @param nanos the monotonic clock (tests set it to make a pause) */
    EngineLoop(String nodeId, Supplier<Engine> factory, java.util.function.LongSupplier nanos) {
        this.nodeId = nodeId;
        this.factory = factory;
        this.nanos = nanos;
        this.thread = Executors.newSingleThreadExecutor(Daemons.named("tandem-engine-" + nodeId));
    }

    /** How often the watch thread wakes, for a failover timeout of {@code failoverMs}: an eighth of it, 10 ms to 500 ms. */
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
     * The latest snapshot, except around a pause of the process: null before {@link #start()}, from
     * the moment a pause can be seen until the rules have taken it in (the snapshot was made before
     * the pause and is not what this node stands for now: a heartbeat built from it could tell the
     * peer that a node which is about to step down is active). Safe from any thread.
     */
    public NodeStatus current() {
        Engine e = engine;
        if (e == null) {
            return null;
        }
        synchronized (pauses) {
            if (unreported.get() > 0 || nanos.getAsLong() - alive.get() > pauseNanos) {
                return null;
            }
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
            engine.pauses(this::takePause);
            afterCycle.accept(engine.status());
            return null;
        }));
        long failoverMs = engine.setup().settings().failoverTimeoutMs();
        alive.set(nanos.getAsLong());
        pauseNanos = TimeUnit.MILLISECONDS.toNanos(failoverMs / 2);
        long every = TimeUnit.MILLISECONDS.toNanos(watchMillis(failoverMs));
        Thread t = Daemons.named("tandem-pause-watch-" + nodeId).newThread(() -> {
            while (!thread.isShutdown()) {
                java.util.concurrent.locks.LockSupport.parkNanos(every);
                if (notePause() && !thread.isShutdown()) {
                    // an idle engine has no turn coming: this one takes the pause in
                    try {
                        thread.execute(() -> turn(() -> { }));
                    } catch (RejectedExecutionException closing) {
                        return;
                    }
                }
            }
        });
        watch = t;
        t.start();
    }

    /** A sign of life; true when the time since the last one was a pause, which is then left for the engine. */
    private boolean notePause() {
        // one of the watch thread and the engine's thread notes a pause, whichever runs first after it;
        // the engine's thread, having noted or not, then sees what the watch noted before it
        synchronized (pauses) {
            long now = nanos.getAsLong();
            long last = alive.get();
            alive.set(Math.max(now, last));
            if (now - last > pauseNanos) {
                unreported.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - last), Math::max);
                return true;
            }
            return false;
        }
    }

    /**
     * One turn of the engine's thread: a pause not yet reported goes to the engine first (a cycle of its
     * own, which takes it in through {@link #takePause}), then {@code work}. The pause counts as reported
     * only once the turn is over, so {@link #current()} hands out no snapshot made before the rules saw it.
     */
    private void turn(Runnable work) {
        beginTurn();
        try {
            work.run();
        } finally {
            endTurn();
        }
    }

    /** The start of a turn: a pause not yet reported goes to the engine in a cycle of its own. */
    private void beginTurn() {
        Engine e = engine;
        if (e != null && pauseNanos != Long.MAX_VALUE) {
            notePause();
            if (unreported.get() > 0) {
                try {
                    logCycle(e.tick());
                } catch (RuntimeException ex) {
                    LOG.error("{}: cycle failed", nodeId, ex);
                }
            }
        }
    }

    /** The end of a turn: the pause the engine took in counts as reported from now on. */
    private void endTurn() {
        long taken = takenInTurn;
        if (taken > 0) {
            takenInTurn = 0;
            synchronized (pauses) {
                unreported.compareAndSet(taken, 0);
            }
        }
    }

    /**
     * Asked by the engine at the start of every cycle, on its thread, after the cycle read its time: the
     * pause (milliseconds) seen since the last sign of life and not yet given to the engine in this
     * turn, else 0. Checking here as well as at the start of the turn catches a process stopped in the
     * middle of a turn, between that check and the cycle's reading of the clock.
     */
    private long takePause() {
        if (pauseNanos == Long.MAX_VALUE) {
            return 0;
        }
        notePause();
        long gap = unreported.get();
        if (gap > 0 && gap != takenInTurn) {
            takenInTurn = gap;
            return gap;
        }
        return 0;
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
     * Queues an observation: a {@link Heartbeat}, a {@link ProbeResult} or a list of
     * {@link tandem.facts.Reading}s (one round of the checkers), an {@link ActionResult}, a
     * {@link tandem.facts.SyncDue}, the peer's reported services ({@link tandem.facts.PeerServices}), a
     * {@link tandem.facts.TransferDue}, or a standby's newest import record ({@link tandem.facts.BackupImported}
     * or {@link tandem.facts.ImportRecordUnreadable}).
     */
    public void observe(Object observation) {
        thread.execute(() -> {
            beginTurn();
            // the cycle's top level: log everything and keep running (Patroni's run_cycle)
            try {
                Engine e = ready();
                CycleOutcome out;
                if (observation instanceof Heartbeat hb) {
                    out = e.heartbeat(hb);
                } else if (observation instanceof ProbeResult r) {
                    out = e.probes(java.util.List.of(r));
                } else if (observation instanceof java.util.List<?> round
                        && round.stream().allMatch(tandem.facts.Reading.class::isInstance)) {
                    out = e.probes(round.stream().map(tandem.facts.Reading.class::cast).toList());
                } else if (observation instanceof ActionResult r) {
                    tickets.result(r);
                    resultListeners.forEach(l -> l.accept(r));
                    out = e.actionResult(r);
                } else if (observation instanceof tandem.facts.SyncDue d) {
                    out = e.syncDue(d);
                } else if (observation instanceof tandem.facts.PeerServices p) {
                    out = e.peerServices(p);
                } else if (observation instanceof tandem.facts.ServicesFound f) {
                    out = e.servicesFound(f);
                } else if (observation instanceof tandem.facts.TransferDue d) {
                    out = e.transferDue(d);
                } else if (observation instanceof tandem.facts.BackupImported
                        || observation instanceof tandem.facts.ImportRecordUnreadable) {
                    out = e.lastImport(observation);
                } else {
                    LOG.warn("{}: observation of unknown type {} ignored", nodeId,
                            observation == null ? "null" : observation.getClass().getName());
                    return;
                }
                logCycle(out);
            } catch (RuntimeException ex) {
                LOG.error("{}: cycle failed", nodeId, ex);
            } finally {
                endTurn();
            }
        });
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

    /** @param origin who asked ({@code api}, {@code jmx}, {@code peer node2}, ...); null for an unnamed operator */
    public CommandAnswer submit(String name, String origin) {
        return submit(name, origin, Map.of());
    }

    /**
     * A command with the arguments its caller gave, as a command route passes them:
     * {@code submit('standby-import', ${header.origin}, ${header.args})}.
     *
     * @param args name -> value ({@link tandem.facts.CommandArgs}); null for none
     */
    public CommandAnswer submit(String name, String origin, Map<String, String> args) {
        String from = origin == null ? "operator" : origin;
        Map<String, String> checked;
        try {
            checked = tandem.facts.CommandArgs.checked(args);
        } catch (IllegalArgumentException e) {
            return new CommandAnswer(name, false, e.getMessage(), null);
        }
        List<CommandAnswer> answers = await(onThread(() -> {
            CycleOutcome o = ready().command(name, from, checked);
            logCycle(o);
            // on this thread, before any result of the actions it asked for is taken in
            return tickets.open(o, from);
        }));
        return answers.stream().filter(a -> a.command().equals(name)).findFirst()
                .orElse(new CommandAnswer(name, false, "no answer", null));
    }

    /**
     * What became of the accepted commands ({@link CommandAnswer#ticket}); the node's action port counts
     * every request into it ({@link CommandTickets#requested}) as it goes to its lane.
     */
    public CommandTickets tickets() {
        return tickets;
    }

    /**
     * Runs {@code change} on the loop's thread, between two observations, with the running engine, and
     * makes the engine it returns the one every later observation goes to: a reload swaps the engine
     * without a second writer, and what is queued meanwhile reaches the new engine. The replaced engine
     * is closed. When {@code change} returns the running engine, or throws (the exception reaches the
     * caller), the loop goes on with the running engine.
     */
    public void swap(java.util.function.UnaryOperator<Engine> change) {
        await(onThread(() -> {
            Engine before = ready();
            Engine after = java.util.Objects.requireNonNull(change.apply(before), "the engine to swap in");
            if (after != before) {
                after.pauses(this::takePause);
                engine = after;
                before.close();
                afterCycle.accept(after.status());
            }
            return null;
        }), SWAP_TIMEOUT_S);
    }

    /** Told of every cycle's outcome, on the engine's thread (the metrics count decisions per rule). */
    public void onCycle(java.util.function.Consumer<CycleOutcome> listener) {
        cycleListeners.add(listener);
    }

    /** Told of every action's result as it is taken in, on the engine's thread. */
    public void onResult(java.util.function.Consumer<ActionResult> listener) {
        resultListeners.add(listener);
    }

    private void logCycle(CycleOutcome out) {
        if (!out.applied().isEmpty()) {
            LOG.info("{}: {}", nodeId, out.reason());
        }
        cycleListeners.forEach(l -> l.accept(out));
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
        return await(f, ANSWER_TIMEOUT_S);
    }

    private static <T> T await(Future<T> f, long timeoutS) {
        try {
            return f.get(timeoutS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the engine did not answer within " + timeoutS + " s", e);
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
        Thread w = watch;
        if (w != null) {
            java.util.concurrent.locks.LockSupport.unpark(w);
        }
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
