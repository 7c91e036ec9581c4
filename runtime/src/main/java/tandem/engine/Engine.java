package tandem.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.runtime.rule.AgendaFilter;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.facts.ActionResult;
import tandem.facts.Activity;
import tandem.facts.Boot;
import tandem.facts.ClockSkew;
import tandem.facts.CommandArgs;
import tandem.facts.DataState;
import tandem.facts.Decision;
import tandem.facts.Heartbeat;
import tandem.facts.LinkListening;
import tandem.facts.LocalNode;
import tandem.facts.NodeState;
import tandem.facts.OperatorCommand;
import tandem.facts.PeerHeartbeat;
import tandem.facts.PeerMismatch;
import tandem.facts.PeerServices;
import tandem.facts.Pending;
import tandem.facts.ProbeResult;
import tandem.facts.Probes;
import tandem.facts.Reading;
import tandem.facts.Resource;
import tandem.facts.ResourceStatus;
import tandem.facts.Services;
import tandem.facts.Tick;
import tandem.facts.Unchecked;

/**
 * One node's decision engine: the only code that touches its Drools session. Every observation
 * (tick, heartbeat, probe result, action result, operator command) is inserted, the rules fire, and
 * the Decisions they made are checked against the profile's {@link Transitions} and applied; actions go to the
 * {@link ActionPort}. Single-writer: the thread that created the engine is the only one allowed to
 * call it (the run loop hands observations to that thread through one queue), as in jgroups-raft,
 * where "only one thread ever changes state".
 *
 * <p>Time is the session clock, a pseudo clock: in {@code tandem run} it follows the node's time
 * source (the steady clock, which a step of the system clock does not move at once), in tests and the
 * simulation the caller moves it with {@link #advanceTo(long)}. Rule firing is bounded: a rule that keeps
 * re-firing, or rules that keep changing the node round after round, stop the engine with a
 * {@link RulesException} naming them instead of spinning. Across observations, the loop guard
 * ({@code rules.loop-guard}) suspends a rule that asks for the same action more often than the
 * settings allow: a rule that answers its own results, or acts at every check, is a loop, not a policy.
 *
 * <p>Java holds no policy here: the engine applies what the rules decide (the node, the services'
 * activity), keeps the bookkeeping the rules read (check counts, pending actions) and enforces the
 * invariants (the transition table, bounded firing, the loop guard).
 */
public final class Engine implements AutoCloseable {

    private static final Logger DECISIONS = LoggerFactory.getLogger("tandem.decisions");
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** Firings allowed in one {@code fireAllRules}: far above what a sane rule set needs for one observation. */
    static final int MAX_FIRINGS = 5_000;
    /** Decide-and-apply rounds allowed for one observation: each round is one change of the node. */
    static final int MAX_ROUNDS = 24;

    private final KieSession session;
    private final EngineSetup setup;
    private final NodeStore store;
    private final ActionPort actions;
    private final Consumer<EngineEvent> events;
    private final Thread owner = Thread.currentThread();

    private final List<Decision> made = new ArrayList<>();
    private final List<FactHandle> madeHandles = new ArrayList<>();
    private final Map<String, Integer> firings = new HashMap<>();
    private final Map<String, FactHandle> probeHandles = new LinkedHashMap<>();
    private final Map<String, Integer> pendingCount = new HashMap<>();
    private final Map<String, FactHandle> pendingHandles = new HashMap<>();
    /** Results the rules judged from a measurement in the current round (a {@link ClockSkew}), with their handles. */
    private final List<FactHandle> judged = new ArrayList<>();
    /** When each rule asked for each action lately (rule, newline, action): the loop guard's window. */
    private final Map<String, Deque<Long>> asked = new HashMap<>();
    /** Rules the loop guard suspended, with why, in the order it did. */
    private final Map<String, String> suspended = new LinkedHashMap<>();
    private final AgendaFilter notSuspended = match -> !suspended.containsKey(match.getRule().getName());
    /** The resources the rules hold unchecked now ({@link Unchecked}), as of the last cycle. */
    private Set<String> unchecked = Set.of();
    /** The rules' ResourceStatus and Unchecked facts, kept as they come and go: what the status shows. */
    private final Map<FactHandle, Object> shown = new HashMap<>();
    /** What {@link #persist} saved last (null before the first save). */
    private PersistedNode saved;
    /** A decision on the services' activity ended the current round of firing. */
    private boolean halted;

    private final Map<String, String> lastStatus = new HashMap<>();
    private final Map<String, Long> lastChange = new HashMap<>();
    private final Map<String, Long> lastCheck = new HashMap<>();
    private volatile NodeStatus status;

    private LocalNode node;
    private FactHandle nodeHandle;
    private Services services;
    private FactHandle servicesHandle;
    private FactHandle peerServicesHandle;
    private FactHandle importHandle;
    private FactHandle tickHandle;
    private FactHandle peerHandle;
    private FactHandle mismatchHandle;
    private FactHandle resumedHandle;
    private java.util.function.LongSupplier pauses = () -> 0;
    private FactHandle listeningHandle;
    private boolean broken;
    /** Facts handed to the engine before it booted ({@link #recall}): inserted at boot, before its first cycle. */
    private final List<Object> recalled = new ArrayList<>();
    /** Who keeps the facts of each type the rules insert ({@link #keeping}). */
    private final Map<Class<?>, Consumer<Object>> keepers = new LinkedHashMap<>();
    /** The newest fact of each kept type the rules inserted in the current cycle, to hand on after it. */
    private final Map<Class<?>, Object> toKeep = new LinkedHashMap<>();
    /** While a command's cycle runs: its name and its arguments as the answer's log line says them. */
    private String commandNamed;
    private String commandArgs = "";
    /** The time source the session clock follows, or null when only {@link #advanceTo} moves it. */
    private final java.util.function.LongSupplier time;

    /**
     * @param pseudoClock true for tests and the simulation (time moves only by {@link #advanceTo}), false for a real node
     * @param events      receives every state, data, action and log event, in order
     */
    public Engine(KieBase kieBase, EngineSetup setup, boolean pseudoClock, NodeStore store, ActionPort actions,
                  Consumer<EngineEvent> events) {
        this(kieBase, setup, pseudoClock ? null : System::currentTimeMillis, store, actions, events);
    }

    /**
     * @param time the node's time source in milliseconds ({@code tandem run}: its steady clock), which the
     *             session clock follows at every reading; null for a pseudo clock only {@link #advanceTo} moves
     */
    public Engine(KieBase kieBase, EngineSetup setup, java.util.function.LongSupplier time, NodeStore store,
                  ActionPort actions, Consumer<EngineEvent> events) {
        this.time = time;
        this.setup = setup;
        this.store = store;
        this.actions = actions;
        this.events = events;
        KieSessionConfiguration conf = KieServices.Factory.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.get("pseudo"));
        this.session = kieBase.newKieSession(conf, null);
        if (time != null) {
            ((SessionPseudoClock) session.getSessionClock()).advanceTime(time.getAsLong(), TimeUnit.MILLISECONDS);
        }
        session.addEventListener(new DefaultRuleRuntimeEventListener() {
            @Override
            public void objectInserted(ObjectInsertedEvent e) {
                if (e.getObject() instanceof Decision d) {
                    made.add(d);
                    madeHandles.add(e.getFactHandle());
                    if (d.services() != null) {
                        // applied before any other rule fires: the rules after it see the new activity
                        // (a waiting node must not count as free while a stop it just asked for runs)
                        halted = true;
                        session.halt();
                    }
                } else if (e.getRule() != null && keepers.containsKey(e.getObject().getClass())) {
                    toKeep.put(e.getObject().getClass(), e.getObject());
                } else if (e.getObject() instanceof ProbeResult && e.getRule() != null) {
                    judged.add(e.getFactHandle());
                } else if (e.getObject() instanceof ResourceStatus || e.getObject() instanceof Unchecked) {
                    shown.put(e.getFactHandle(), e.getObject());
                }
            }

            @Override
            public void objectUpdated(ObjectUpdatedEvent e) {
                if (e.getObject() instanceof ResourceStatus || e.getObject() instanceof Unchecked) {
                    shown.put(e.getFactHandle(), e.getObject());
                }
            }

            @Override
            public void objectDeleted(ObjectDeletedEvent e) {
                shown.remove(e.getFactHandle());
            }
        });
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void afterMatchFired(AfterMatchFiredEvent e) {
                firings.merge(e.getMatch().getRule().getName(), 1, Integer::sum);
            }
        });
    }

    /** Session time in milliseconds; with a time source, first moved up to it (never back). */
    public long now() {
        SessionPseudoClock clock = (SessionPseudoClock) session.getSessionClock();
        if (time != null) {
            long delta = time.getAsLong() - clock.getCurrentTime();
            if (delta > 0) {
                clock.advanceTime(delta, TimeUnit.MILLISECONDS);
            }
        }
        return clock.getCurrentTime();
    }

    /** Moves the pseudo clock forward to {@code t} (simulation and tests only). */
    public void advanceTo(long t) {
        checkThread();
        if (!(session.getSessionClock() instanceof SessionPseudoClock clock)) {
            throw new IllegalStateException("advanceTo needs the pseudo clock");
        }
        long delta = t - clock.getCurrentTime();
        if (delta < 0) {
            throw new IllegalArgumentException("time cannot go back: " + t + " < " + clock.getCurrentTime());
        }
        clock.advanceTime(delta, TimeUnit.MILLISECONDS);
    }

    public LocalNode node() {
        return node;
    }

    /** What the managed services are doing, as the rules last decided. */
    public Services services() {
        return services;
    }

    /**
     * The rules the loop guard suspended, each with why (a sentence naming the rule, the action, the
     * limit and the node's state then), in the order it did.
     */
    public Map<String, String> suspended() {
        return java.util.Collections.unmodifiableMap(suspended);
    }

    public EngineSetup setup() {
        return setup;
    }

    /** The heartbeat this node sends now. */
    public Heartbeat heartbeat() {
        return new Heartbeat(setup.settings().nodeId(), node.state(), node.data(), node.generation(), services.holding(),
                setup.settings().priority(), now());
    }

    /**
     * Starts the node: it enters WAIT (or STOP when it must wait for an operator's start) with the data
     * state and generation it saved. What the last saved state means for the data (a node that died
     * while paired may have been left behind) is the rules' to say: the {@link Boot} fact carries it.
     */
    public CycleOutcome boot(boolean waitForOperator) {
        checkThread();
        if (node != null) {
            throw new IllegalStateException("already booted");
        }
        var saved = store.load();
        NodeState initial = waitForOperator ? NodeState.STOP : setup.transitions().initial();
        if (saved.isEmpty()) {
            return start(initial, DataState.UPTODATE, 0, Activity.STOPPED, null, null, "fresh installation");
        }
        PersistedNode p = saved.get();
        return start(initial, p.data(), p.generation(), Activity.STOPPED, p.state(), p.data(), "last " + p.state());
    }

    /**
     * Starts the node straight in {@code state} with its services {@code activity}, as if it had run
     * there before (what {@link RuleSmoke} needs to try the rules in every state of the table).
     */
    CycleOutcome bootInto(NodeState state, DataState data, long generation, Activity activity) {
        checkThread();
        if (node != null) {
            throw new IllegalStateException("already booted");
        }
        return start(state, data, generation, activity, null, null, "started in " + state + " to try the rules");
    }

    private CycleOutcome start(NodeState initial, DataState data, long generation, Activity activity,
                               NodeState lastState, DataState lastData, String history) {
        node = new LocalNode(initial, data, generation, now());
        services = new Services(activity);
        session.insert(setup.settings());
        setup.facts().forEach(session::insert);
        for (ResourceSpec spec : setup.resources().values()) {
            session.insert(new Resource(spec.resource(), spec.critical(), spec.activeOnly()));
        }
        session.insert(new Boot(now(), lastState, lastData));
        recalled.forEach(session::insert);
        recalled.clear();
        nodeHandle = session.insert(node);
        servicesHandle = session.insert(services);
        tickHandle = session.insert(new Tick(now()));
        persist();
        emit(EngineEvent.log(null, "boot: " + initial + ", data " + data.label() + ", generation " + generation
                + " (" + history + ")"));
        return cycle(List.of());
    }

    /**
     * The peer link listens and dials from now on: the peer's silence is counted from here. Only the
     * first call counts (the link starts once); in the simulation the link is there at boot.
     */
    public CycleOutcome linkListening() {
        checkReady();
        if (listeningHandle == null) {
            listeningHandle = session.insert(new LinkListening(now()));
        }
        return cycle(List.of());
    }

    /** A check cycle: time has passed. */
    public CycleOutcome tick() {
        checkReady();
        return cycle(List.of());
    }

    /** A heartbeat from the peer arrived (already authenticated by the peer link). */
    public CycleOutcome heartbeat(Heartbeat hb) {
        checkReady();
        if (!hb.nodeId().equals(setup.settings().peerId())) {
            emit(EngineEvent.log(null, "heartbeat from \"" + hb.nodeId() + "\" ignored: the peer is \""
                    + setup.settings().peerId() + "\""));
            return new CycleOutcome(List.of(), List.of());
        }
        PeerHeartbeat fact = new PeerHeartbeat(hb, now());
        if (peerHandle == null) {
            peerHandle = session.insert(fact);
        } else {
            session.update(peerHandle, fact);
        }
        return cycle(List.of());
    }

    /**
     * This engine did not run for {@code gapMs} (the node was frozen) and runs again: the rules see a
     * {@link tandem.facts.Resumed} before anything that waited meanwhile.
     */
    public CycleOutcome resumed(long gapMs) {
        checkReady();
        putResumed(new tandem.facts.Resumed(now(), gapMs));
        return cycle(List.of());
    }

    private void putResumed(tandem.facts.Resumed fact) {
        if (resumedHandle == null) {
            resumedHandle = session.insert(fact);
        } else {
            session.update(resumedHandle, fact);
        }
    }

    /**
     * What every cycle asks, right after it read its time, for a pause of the process (milliseconds)
     * not yet taken in, or 0 ({@link EngineLoop}'s pause watch; nothing in tests and the simulation,
     * which call {@link #resumed} themselves). Set once, on the engine's thread.
     */
    void pauses(java.util.function.LongSupplier check) {
        this.pauses = check;
    }

    /** The peer link found that the peer's settings differ from this node's (MS-9). */
    public CycleOutcome mismatch(String detail) {
        checkReady();
        clearMismatch();
        mismatchHandle = session.insert(new PeerMismatch(detail));
        return cycle(List.of());
    }

    /** The peer's settings match again. */
    public CycleOutcome mismatchCleared() {
        checkReady();
        clearMismatch();
        return cycle(List.of());
    }

    private void clearMismatch() {
        if (mismatchHandle != null) {
            session.delete(mismatchHandle);
            mismatchHandle = null;
        }
    }

    /** A checker's result. Results of resources the rules hold unchecked ({@link Unchecked}) are ignored. */
    public CycleOutcome probe(ProbeResult r) {
        return probes(List.of(r));
    }

    /**
     * One round of the checkers, decided on in one cycle: results ({@link ProbeResult}) and measurements
     * whose verdict the rules give ({@link ClockSkew}). A result that changes nothing the rules see (the
     * same status, counts already past rise and fall) does not touch the session, so an idle node's
     * rounds cost little. Results of resources the rules hold unchecked now are ignored.
     */
    public CycleOutcome probes(List<? extends Reading> round) {
        checkReady();
        boolean any = false;
        List<FactHandle> oneShot = new ArrayList<>();
        for (Reading r : round) {
            ResourceSpec spec = setup.resources().get(r.resource());
            if (spec == null) {
                emit(EngineEvent.log(null, "result for unknown resource \"" + r.resource() + "\" ignored"));
                continue;
            }
            if (r instanceof ClockSkew m) {
                oneShot.add(session.insert(m));
                any = true;
            } else if (r instanceof ProbeResult p && !unchecked.contains(p.resource())) {
                any |= count(p, spec);
            }
        }
        return any ? cycle(oneShot) : new CycleOutcome(List.of(), List.of());
    }

    /** Adds a result to its resource's run of results; true when the rules must look. */
    private boolean count(ProbeResult r, ResourceSpec spec) {
        lastCheck.put(r.resource(), r.at());
        int cap = Math.max(setup.settings().rise(), setup.settings().fall());
        FactHandle h = probeHandles.get(r.resource());
        Probes before = h == null ? null : (Probes) session.getObject(h);
        if (before == null) {
            // none yet, or the rules forgot the run (classify.drl: an unchecked resource's results)
            probeHandles.put(r.resource(), session.insert(Probes.first(r, spec.critical())));
            return true;
        }
        Probes next = before.next(r, cap);
        if (!next.equals(before)) {
            session.update(h, next);
        }
        return true;
    }

    /**
     * The services the active peer reported running (SBS-2), as the replication learned them: the rules
     * choose what a takeover starts from it.
     */
    public CycleOutcome peerServices(PeerServices reported) {
        checkReady();
        if (peerServicesHandle == null) {
            peerServicesHandle = session.insert(reported);
        } else if (session.getObject(peerServicesHandle).equals(reported)) {
            return new CycleOutcome(List.of(), List.of());
        } else {
            session.update(peerServicesHandle, reported);
        }
        return cycle(List.of());
    }

    /**
     * What this standby's newest import says (a {@link tandem.facts.BackupImported}, or a
     * {@link tandem.facts.ImportRecordUnreadable} when its record could not be read): read at start and
     * again whenever an import finished; replaces what was said before. The rules judge the data's age.
     */
    public CycleOutcome lastImport(Object record) {
        checkReady();
        if (!(record instanceof tandem.facts.BackupImported) && !(record instanceof tandem.facts.ImportRecordUnreadable)) {
            throw new IllegalArgumentException("not an import record: " + record);
        }
        if (importHandle == null) {
            importHandle = session.insert(record);
        } else if (session.getObject(importHandle).equals(record)) {
            return new CycleOutcome(List.of(), List.of());
        } else {
            // a new fact type may replace the old one: delete and insert rather than update
            session.delete(importHandle);
            importHandle = session.insert(record);
        }
        return cycle(List.of());
    }

    /**
     * A fact this node kept on disk and read back at start (a rollback's progress): before {@link #boot}
     * it is inserted with the boot, so the boot's rules see it already; after, it is inserted and the
     * rules look at once. Not handed to its keeper again.
     */
    public CycleOutcome recall(Object fact) {
        checkThread();
        java.util.Objects.requireNonNull(fact, "fact");
        if (node == null) {
            recalled.add(fact);
            return new CycleOutcome(List.of(), List.of());
        }
        session.insert(fact);
        return cycle(List.of());
    }

    /**
     * Whenever a rule inserts a fact of {@code type}, {@code keeper} gets it once the cycle's decisions are
     * applied and before the actions they asked for start (the newest of the cycle, if several), so that
     * what the rules record, such as a rollback's progress, is on disk before the work it starts runs.
     */
    public <T> void keeping(Class<T> type, Consumer<? super T> keeper) {
        checkThread();
        keepers.put(type, o -> keeper.accept(type.cast(o)));
    }

    /** Replication has work for this node (one-shot; the rules decide whether a cycle runs). */
    public CycleOutcome syncDue(tandem.facts.SyncDue due) {
        checkReady();
        return cycle(List.of(session.insert(due)));
    }

    /** The managed services found running at boot; kept until a rule takes it (rules/pair/boot.drl). */
    public CycleOutcome servicesFound(tandem.facts.ServicesFound found) {
        checkReady();
        session.insert(found);
        return cycle(List.of());
    }

    /** A scheduled backup transfer is due (one-shot; the rules decide whether it runs, RED-1, RED-4). */
    public CycleOutcome transferDue(tandem.facts.TransferDue due) {
        checkReady();
        return cycle(List.of(session.insert(due)));
    }

    /** The outcome of an action this engine asked for. */
    public CycleOutcome actionResult(ActionResult r) {
        checkReady();
        if (!r.ok()) {
            // a finding is a fact for the rules (e.g. the address held by the peer), not a fault
            emit(EngineEvent.log(null, "action " + r.action() + (r.finding().isEmpty() ? " failed: "
                    : " found " + r.finding() + ": ") + r.detail()));
        }
        donePending(r.action());
        return cycle(List.of(session.insert(r)));
    }

    /**
     * An operator command; the rules answer it. Which names exist is the node's command routes' say
     * (they are the only way in); a command no rule answers is refused here.
     */
    public CycleOutcome command(String name, String origin) {
        return command(name, origin, Map.of());
    }

    /**
     * An operator command with its arguments ({@link OperatorCommand#args}); the log line and the events
     * name them, the value of a password or secret as {@code ***} ({@link CommandArgs#describe}).
     *
     * @throws IllegalArgumentException when the arguments are not of the shape {@link CommandArgs} checks
     */
    public CycleOutcome command(String name, String origin, Map<String, String> args) {
        checkReady();
        OperatorCommand c = new OperatorCommand(name, origin, now(), args);
        String with = c.args().isEmpty() ? "" : " (" + CommandArgs.describe(c.args()) + ")";
        emit(EngineEvent.log(null, "command " + name + with + " from " + origin));
        commandNamed = name;
        commandArgs = with;
        CycleOutcome out;
        try {
            out = cycle(List.of(session.insert(c)));
        } finally {
            commandNamed = null;
            commandArgs = "";
        }
        if (out.answers().stream().noneMatch(a -> a.command().equals(name))) {
            String why = "no rule answered command \"" + name + "\" in state " + node.state();
            emit(EngineEvent.log(null, "command " + name + with + " refused: " + why));
            List<CommandAnswer> answers = new ArrayList<>(out.answers());
            answers.add(new CommandAnswer(name, false, why, null));
            return new CycleOutcome(out.applied(), answers);
        }
        return out;
    }

    /**
     * A new engine on {@code kieBase} (a reloaded rule set) that carries this node on where this one
     * stands: every fact this engine's session holds as stated (the node with its state, data,
     * generation and services' activity, the boot, the peer's last heartbeat, the link listening, the
     * checkers' counts and the resource statuses, the pending actions, a settings mismatch, a pause
     * taken in, and what rules inserted to remember, such as a requested stop), inserted in the order
     * this session got them, with the engine's own bookkeeping. Facts the rules derived
     * ({@code insertLogical}) are left behind: the new rules derive their own. Nothing fires and
     * nothing is saved or announced here: boot-time policy does not run again, the node stays as it
     * is, and the new rules decide at the next observation, as they would on any.
     *
     * <p>On the engine's thread only (the new engine belongs to it); also from an engine stopped by a
     * rules error, so that fixed rules can be taken in. This engine is left as it was: the caller closes
     * it once the new one is in place.
     */
    public Engine reloaded(KieBase kieBase) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("the engine of " + setup.settings().nodeId() + " is owned by thread "
                    + owner.getName() + ", called from " + Thread.currentThread().getName());
        }
        if (node == null) {
            throw new IllegalStateException("engine not booted");
        }
        Engine next = new Engine(kieBase, setup, time, store, actions, events);
        next.keepers.putAll(keepers);
        next.advanceTo(now());
        Map<FactHandle, FactHandle> moved = new java.util.IdentityHashMap<>();
        List<FactHandle> handles = new ArrayList<>(session.getFactHandles());
        handles.sort(Comparator.comparingLong(h -> ((org.drools.core.common.InternalFactHandle) h).getId()));
        for (FactHandle h : handles) {
            Object fact = session.getObject(h);
            if (fact instanceof Decision || derived(h)) {
                continue;
            }
            moved.put(h, next.session.insert(fact));
        }
        next.node = node;
        next.nodeHandle = moved.get(nodeHandle);
        next.services = services;
        next.servicesHandle = moved.get(servicesHandle);
        next.peerServicesHandle = moved.get(peerServicesHandle);
        next.importHandle = moved.get(importHandle);
        next.unchecked = unchecked;
        // the loop guard's window goes on; a suspended rule is not suspended in the new set, which may
        // have fixed it (a rule that still loops is suspended again once it asks too often)
        asked.forEach((key, times) -> next.asked.put(key, new java.util.ArrayDeque<>(times)));
        next.tickHandle = moved.get(tickHandle);
        next.peerHandle = moved.get(peerHandle);
        next.mismatchHandle = moved.get(mismatchHandle);
        next.resumedHandle = moved.get(resumedHandle);
        next.listeningHandle = moved.get(listeningHandle);
        probeHandles.forEach((resource, h) -> next.probeHandles.put(resource, moved.get(h)));
        next.pendingCount.putAll(pendingCount);
        pendingHandles.forEach((action, h) -> next.pendingHandles.put(action, moved.get(h)));
        next.lastStatus.putAll(lastStatus);
        next.lastChange.putAll(lastChange);
        next.lastCheck.putAll(lastCheck);
        next.pauses = pauses;
        next.snapshot();
        return next;
    }

    /** Whether the rules inserted the fact logically (it lives only while its cause does). */
    private static boolean derived(FactHandle h) {
        // Drools keeps the truth maintenance status on the handle's equality key; a fact inserted
        // without truth maintenance has no key and is stated
        org.drools.core.common.EqualityKey key = ((org.drools.core.common.InternalFactHandle) h).getEqualityKey();
        return key != null && key.getStatus() == org.drools.core.common.EqualityKey.JUSTIFIED;
    }

    /** The actions asked for that have not reported back yet, sorted by name. */
    public List<String> pending() {
        return pendingCount.keySet().stream().sorted().toList();
    }

    /** The latest snapshot; safe to read from any thread. Null before {@link #boot}. */
    public NodeStatus status() {
        return status;
    }

    @Override
    public void close() {
        session.dispose();
    }

    private void snapshot() {
        Map<String, ResourceStatus> byName = new HashMap<>();
        Map<String, String> idle = new HashMap<>();
        for (Object o : shown.values()) {
            if (o instanceof ResourceStatus rs) {
                byName.put(rs.resource(), rs);
            } else if (o instanceof Unchecked u) {
                idle.put(u.resource(), u.why());
            }
        }
        unchecked = Set.copyOf(idle.keySet());
        List<NodeStatus.ResourceView> views = new ArrayList<>();
        for (ResourceSpec spec : setup.resources().values()) {
            ResourceStatus rs = byName.get(spec.resource());
            String st = rs == null ? "unknown" : rs.up() ? "up" : "down";
            if (!st.equals(lastStatus.put(spec.resource(), st))) {
                lastChange.put(spec.resource(), now());
            }
            FactHandle h = probeHandles.get(spec.resource());
            Probes run = h == null ? null : (Probes) session.getObject(h);
            if (h != null && run == null) {
                probeHandles.remove(spec.resource());
            }
            String detail = run != null ? run.detail() : idle.getOrDefault(spec.resource(), "not checked yet");
            views.add(new NodeStatus.ResourceView(spec.resource(), st, spec.critical(), detail,
                    lastChange.getOrDefault(spec.resource(), -1L), lastCheck.getOrDefault(spec.resource(), -1L),
                    !idle.containsKey(spec.resource())));
        }
        NodeStatus.PeerView peer = null;
        if (peerHandle != null) {
            PeerHeartbeat ph = (PeerHeartbeat) session.getObject(peerHandle);
            Heartbeat hb = ph.heartbeat();
            peer = new NodeStatus.PeerView(hb.nodeId(), hb.state(), hb.data(), hb.generation(), hb.holding(), ph.receivedAt());
        }
        String mismatch = mismatchHandle == null ? null : ((PeerMismatch) session.getObject(mismatchHandle)).detail();
        status = new NodeStatus(setup.settings().nodeId(), node.state(), node.data(), node.generation(),
                services.activity(), node.since(), peer, views, mismatch,
                suspended.values().stream().map(w -> w + ": suspended").toList(), now());
    }

    // ---------------------------------------------------------------------------------------------

    private CycleOutcome cycle(List<FactHandle> oneShot) {
        long t = now();
        // asked after the cycle's time is read: a pause of the process that fell between the loop's own
        // check and this read (the thread was stopped mid-turn) is taken in before any rule sees Tick(t);
        // one that falls after it leaves Tick(t) at the time before the pause
        long gap = pauses.getAsLong();
        if (gap > 0) {
            putResumed(new tandem.facts.Resumed(t, gap));
        }
        session.update(tickHandle, new Tick(t));
        List<Decision> applied = new ArrayList<>();
        List<CommandAnswer> answers = new ArrayList<>();
        List<ActionRequest> requests = new ArrayList<>();
        List<String> lastRules = new ArrayList<>();
        boolean oneShotsLeft = !oneShot.isEmpty();
        for (int round = 0; ; round++) {
            if (round == MAX_ROUNDS) {
                broken = true;
                throw new RulesException(List.of("rules keep changing the node: " + MAX_ROUNDS
                        + " rounds of decisions for one observation, the last by " + quoted(lastRules)
                        + "; stopped"), lastRules);
            }
            firings.clear();
            halted = false;
            int fired = suspended.isEmpty() ? session.fireAllRules(MAX_FIRINGS)
                    : session.fireAllRules(notSuspended, MAX_FIRINGS);
            if (fired >= MAX_FIRINGS) {
                broken = true;
                Comparator<Map.Entry<String, Integer>> byCount = Map.Entry.comparingByValue();
                String top = firings.entrySet().stream().max(byCount.thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                        .map(Map.Entry::getKey).orElse("?");
                throw new RulesException(List.of("rule \"" + top + "\" keeps re-firing (" + firings.get(top) + " of "
                        + MAX_FIRINGS + " firings for one observation); stopped"), List.of(top));
            }
            if (oneShotsLeft && !halted) {
                // the observation lives for one whole round of firing: a round cut short by a decision on
                // the services leaves it for the rules that have not looked yet
                oneShot.forEach(session::delete);
                oneShotsLeft = false;
            }
            List<Decision> ds = new ArrayList<>(made);
            madeHandles.forEach(session::delete);
            made.clear();
            madeHandles.clear();
            boolean counted = countJudged();
            if (ds.isEmpty()) {
                if (counted || halted) {
                    continue;
                }
                break;
            }
            lastRules = ds.stream().map(Decision::rule).distinct().toList();
            if (!apply(ds, applied, answers, requests) && !counted && !halted) {
                break;
            }
        }
        snapshot();
        if (!toKeep.isEmpty()) {
            List<Object> kept = List.copyOf(toKeep.values());
            toKeep.clear();
            kept.forEach(k -> keepers.get(k.getClass()).accept(k));
        }
        requests.forEach(actions::perform);
        return new CycleOutcome(List.copyOf(applied), List.copyOf(answers));
    }

    /** Counts the results the rules judged in this round like checkers' results; true when there were any. */
    private boolean countJudged() {
        if (judged.isEmpty()) {
            return false;
        }
        List<FactHandle> hs = List.copyOf(judged);
        judged.clear();
        for (FactHandle h : hs) {
            ProbeResult r = (ProbeResult) session.getObject(h);
            session.delete(h);
            ResourceSpec spec = r == null ? null : setup.resources().get(r.resource());
            if (spec != null && !unchecked.contains(r.resource())) {
                count(r, spec);
            }
        }
        return true;
    }

    /** Applies one round of decisions; true when a fact changed, so the rules must look again. */
    private boolean apply(List<Decision> ds, List<Decision> applied, List<CommandAnswer> answers,
                          List<ActionRequest> requests) {
        boolean changed = false;
        boolean transitioned = false;
        for (Decision d : ds) {
            if (suspended.containsKey(d.rule()) || !guard(d)) {
                continue;
            }
            if (d.command() != null) {
                String with = d.command().equals(commandNamed) ? commandArgs : "";
                answers.add(new CommandAnswer(d.command(), !d.refused(), d.reason(), d.rule()));
                DECISIONS.info("{}: command {}{} {}: {} (rule \"{}\")", setup.settings().nodeId(), d.command(),
                        with, d.refused() ? "refused" : "accepted", d.reason(), d.rule());
                emit(EngineEvent.log(d.rule(), "command " + d.command() + with
                        + (d.refused() ? " refused: " : " accepted: ") + d.reason()));
                if (d.refused()) {
                    continue;
                }
            }
            LocalNode before = node;
            LocalNode next = node;
            if (d.to() != null && d.to() != node.state()) {
                if (transitioned) {
                    emit(EngineEvent.log(d.rule(), "ignored: asks for " + d.to() + " but this cycle already moved to "
                            + node.state()));
                    continue;
                }
                if (setup.transitions().find(node.state(), d.to()).isEmpty()) {
                    emit(EngineEvent.log(d.rule(), "refused: " + node.state() + " -> " + d.to()
                            + " is not in the transition table"));
                    DECISIONS.warn("{}: refused {} -> {} from rule \"{}\": not in the transition table",
                            setup.settings().nodeId(), node.state(), d.to(), d.rule());
                    continue;
                }
                next = next.withState(d.to(), now());
                if (d.to() == NodeState.ALONE) {
                    next = next.withGeneration(node.generation() + 1);
                }
                transitioned = true;
            }
            if (d.generation() != null) {
                next = next.withGeneration(d.generation());
            }
            if (d.data() != null) {
                next = next.withData(d.data());
            }
            boolean bookkeeping = d.services() != null && d.to() == null && d.data() == null && d.generation() == null
                    && d.actions().isEmpty() && d.command() == null;
            if (!bookkeeping) {
                applied.add(d);
            }
            if (!next.equals(before)) {
                node = next;
                session.update(nodeHandle, node);
                changed = true;
            }
            if (d.services() != null && d.services() != services.activity()) {
                services = new Services(d.services());
                session.update(servicesHandle, services);
                changed = true;
            }
            if (bookkeeping) {
                if (d.quiet()) {
                    DECISIONS.debug("{}: services {}: {} (rule \"{}\")", setup.settings().nodeId(),
                            services.activity(), d.reason(), d.rule());
                } else {
                    DECISIONS.info("{}: services {}: {} (rule \"{}\")", setup.settings().nodeId(),
                            services.activity(), d.reason(), d.rule());
                }
            } else if (d.quiet() && next.equals(before)) {
                DECISIONS.debug("{}: {} (rule \"{}\")", setup.settings().nodeId(), sentence(before, next, d), d.rule());
            } else {
                DECISIONS.info("{}: {} (rule \"{}\")", setup.settings().nodeId(), sentence(before, next, d), d.rule());
            }
            if (before.state() != next.state()) {
                emit(EngineEvent.state(before.state().name(), next.state().name(), d.rule(), d.reason()));
            }
            if (before.data() != next.data()) {
                emit(EngineEvent.data(before.data().label(), next.data().label(), d.rule(), d.reason()));
            }
            for (String action : d.actions()) {
                if (!d.quiet()) {
                    emit(EngineEvent.action(action, d.rule(), d.reason()));
                }
                requests.add(new ActionRequest(action, d.rule(), d.reason(), node.generation(), d.args()));
                addPending(action);
                changed = true;
            }
            if (d.command() == null && d.to() == null && d.data() == null && d.generation() == null && d.actions().isEmpty()
                    && d.services() == null) {
                emit(EngineEvent.log(d.rule(), d.reason()));
            }
        }
        if (changed) {
            persist();
        }
        return changed;
    }

    private String sentence(LocalNode before, LocalNode next, Decision d) {
        StringBuilder sb = new StringBuilder();
        if (before.state() != next.state()) {
            sb.append(before.state()).append(" -> ").append(next.state()).append(": ");
        }
        if (before.data() != next.data()) {
            sb.append("data ").append(next.data().label()).append(": ");
        }
        sb.append(d.reason());
        if (!d.actions().isEmpty()) {
            sb.append(" [").append(String.join(", ", d.actions())).append(']');
        }
        return sb.toString();
    }

    /**
     * The loop guard: false, after suspending the rule, when {@code d} asks for an action its rule has
     * already asked for {@code loopGuardActions} times within {@code loopGuardWithinMs}. Routine
     * decisions are not counted: they answer observations that pace them (the replication's notices).
     */
    private boolean guard(Decision d) {
        if (d.quiet() || d.actions().isEmpty()) {
            return true;
        }
        int limit = setup.settings().loopGuardActions();
        long within = setup.settings().loopGuardWithinMs();
        long t = now();
        for (String action : new HashSet<>(d.actions())) {
            Deque<Long> times = asked.computeIfAbsent(d.rule() + "\n" + action, k -> new ArrayDeque<>());
            while (!times.isEmpty() && times.peekFirst() <= t - within) {
                times.removeFirst();
            }
            if (times.size() >= limit) {
                String why = "rule \"" + d.rule() + "\" asked for action " + action + " more than " + limit
                        + " times within " + tandem.facts.Fmt.secs(within) + " in state " + node.state()
                        + " (rules.loop-guard)";
                suspended.put(d.rule(), why);
                asked.keySet().removeIf(k -> k.startsWith(d.rule() + "\n"));
                LOG.error("{}: {}: suspended, it fires no more until the node restarts; its decision \"{}\" is not"
                        + " applied", setup.settings().nodeId(), why, d.reason());
                emit(EngineEvent.log(d.rule(), "suspended: asked for action " + action + " more than " + limit
                        + " times within " + tandem.facts.Fmt.secs(within) + " (rules.loop-guard); the rule fires no more"));
                return false;
            }
        }
        for (String action : new HashSet<>(d.actions())) {
            asked.get(d.rule() + "\n" + action).addLast(t);
        }
        return true;
    }

    private void addPending(String action) {
        if (pendingCount.merge(action, 1, Integer::sum) == 1) {
            pendingHandles.put(action, session.insert(new Pending(action)));
        }
    }

    private void donePending(String action) {
        Integer left = pendingCount.computeIfPresent(action, (k, v) -> v - 1);
        if (left != null && left == 0) {
            pendingCount.remove(action);
            session.delete(pendingHandles.remove(action));
        }
    }

    /** Saves the node's state, data state and generation when they differ from what was saved last. */
    private void persist() {
        PersistedNode now = new PersistedNode(node.state(), node.data(), node.generation());
        if (!now.equals(saved)) {
            store.save(now);
            saved = now;
        }
    }

    private void emit(EngineEvent e) {
        events.accept(e);
    }

    private static String quoted(List<String> rules) {
        return String.join(", ", rules.stream().map(r -> "\"" + r + "\"").toList());
    }

    private void checkReady() {
        checkThread();
        if (node == null) {
            throw new IllegalStateException("engine not booted");
        }
    }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("the engine of " + setup.settings().nodeId() + " is owned by thread "
                    + owner.getName() + ", called from " + Thread.currentThread().getName());
        }
        if (broken) {
            throw new IllegalStateException("the engine of " + setup.settings().nodeId() + " stopped after a rules error");
        }
    }
}
