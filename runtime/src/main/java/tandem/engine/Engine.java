package tandem.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
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
import tandem.facts.DataState;
import tandem.facts.Decision;
import tandem.facts.Heartbeat;
import tandem.facts.LinkListening;
import tandem.facts.LocalNode;
import tandem.facts.NodeState;
import tandem.facts.OperatorCommand;
import tandem.facts.PeerHeartbeat;
import tandem.facts.PeerMismatch;
import tandem.facts.Pending;
import tandem.facts.ProbeResult;
import tandem.facts.ResourceStatus;
import tandem.facts.Probes;
import tandem.facts.Tick;

/**
 * One node's decision engine: the only code that touches its Drools session. Every observation
 * (tick, heartbeat, probe result, action result, operator command) is inserted, the rules fire, and
 * the Decisions they made are checked against the profile's {@link Transitions} and applied; actions go to the
 * {@link ActionPort}. Single-writer: the thread that created the engine is the only one allowed to
 * call it (the run loop hands observations to that thread through one queue), as in jgroups-raft,
 * where "only one thread ever changes state".
 *
 * <p>Time is the session clock: realtime in {@code tandem run}, pseudo in tests and the simulation,
 * where the caller moves it with {@link #advanceTo(long)}. Rule firing is bounded: a rule that keeps
 * re-firing, or rules that keep changing the node round after round, stop the engine with a
 * {@link RulesException} naming them instead of spinning.
 */
public final class Engine implements AutoCloseable {

    private static final Logger DECISIONS = LoggerFactory.getLogger("tandem.decisions");

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

    private final Map<String, String> lastStatus = new HashMap<>();
    private final Map<String, Long> lastChange = new HashMap<>();
    private final Map<String, Long> lastCheck = new HashMap<>();
    private volatile NodeStatus status;

    private LocalNode node;
    private FactHandle nodeHandle;
    private FactHandle tickHandle;
    private FactHandle peerHandle;
    private FactHandle mismatchHandle;
    private FactHandle resumedHandle;
    private java.util.function.LongSupplier pauses = () -> 0;
    private FactHandle listeningHandle;
    private boolean broken;

    /**
     * @param pseudoClock true for tests and the simulation (time moves only by {@link #advanceTo}), false for a real node
     * @param events      receives every state, data, action and log event, in order
     */
    public Engine(KieBase kieBase, EngineSetup setup, boolean pseudoClock, NodeStore store, ActionPort actions,
                  Consumer<EngineEvent> events) {
        this.setup = setup;
        this.store = store;
        this.actions = actions;
        this.events = events;
        KieSessionConfiguration conf = KieServices.Factory.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.get(pseudoClock ? "pseudo" : "realtime"));
        this.session = kieBase.newKieSession(conf, null);
        session.addEventListener(new DefaultRuleRuntimeEventListener() {
            @Override
            public void objectInserted(ObjectInsertedEvent e) {
                if (e.getObject() instanceof Decision d) {
                    made.add(d);
                    madeHandles.add(e.getFactHandle());
                }
            }
        });
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void afterMatchFired(AfterMatchFiredEvent e) {
                firings.merge(e.getMatch().getRule().getName(), 1, Integer::sum);
            }
        });
    }

    /** Session time in milliseconds. */
    public long now() {
        return session.getSessionClock().getCurrentTime();
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

    public EngineSetup setup() {
        return setup;
    }

    /** The heartbeat this node sends now. */
    public Heartbeat heartbeat() {
        return new Heartbeat(setup.settings().nodeId(), node.state(), node.data(), node.generation(), node.holding(),
                setup.settings().priority(), now());
    }

    /**
     * Starts the node: it enters WAIT (or STOP when it must wait for an operator's start) with the data
     * state and generation it saved. A node that died while paired (PRIM or SECOND) boots with data
     * not uptodate: its peer may have gone on alone, and only the peer can say.
     */
    public CycleOutcome boot(boolean waitForOperator) {
        checkThread();
        if (node != null) {
            throw new IllegalStateException("already booted");
        }
        var saved = store.load();
        DataState data = DataState.UPTODATE;
        long generation = 0;
        String history = "fresh installation";
        if (saved.isPresent()) {
            PersistedNode p = saved.get();
            generation = p.generation();
            boolean diedPaired = p.state() == NodeState.PRIM || p.state() == NodeState.SECOND;
            data = diedPaired ? DataState.NOT_UPTODATE : p.data();
            history = "last " + p.state() + (diedPaired ? ", so the peer may have gone on alone" : "");
        }
        NodeState initial = waitForOperator ? NodeState.STOP : setup.transitions().initial();
        node = new LocalNode(initial, data, generation, Activity.STOPPED, now());
        session.insert(setup.settings());
        session.insert(new Boot(now()));
        nodeHandle = session.insert(node);
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

    /** A checker's result. Results of active-only resources are ignored while the services do not run. */
    public CycleOutcome probe(ProbeResult r) {
        return probes(List.of(r));
    }

    /**
     * One round of checker results, decided on in one cycle. A result that changes nothing the rules
     * see (the same status, counts already past rise and fall) does not touch the session, so an idle
     * node's rounds cost little.
     */
    public CycleOutcome probes(List<ProbeResult> round) {
        checkReady();
        boolean any = false;
        for (ProbeResult r : round) {
            ResourceSpec spec = setup.resources().get(r.resource());
            if (spec == null) {
                emit(EngineEvent.log(null, "result for unknown resource \"" + r.resource() + "\" ignored"));
                continue;
            }
            if (spec.activeOnly() && node.activity() != Activity.RUNNING) {
                continue;
            }
            lastCheck.put(r.resource(), r.at());
            any = true;
            int cap = Math.max(setup.settings().rise(), setup.settings().fall());
            FactHandle h = probeHandles.get(r.resource());
            if (h == null) {
                probeHandles.put(r.resource(), session.insert(Probes.first(r, spec.critical())));
            } else {
                Probes before = (Probes) session.getObject(h);
                Probes next = before.next(r, cap);
                if (!next.equals(before)) {
                    session.update(h, next);
                }
            }
        }
        return any ? cycle(List.of()) : new CycleOutcome(List.of(), List.of());
    }

    /** Replication has work for this node (one-shot; the rules decide whether a cycle runs). */
    public CycleOutcome syncDue(tandem.facts.SyncDue due) {
        checkReady();
        return cycle(List.of(session.insert(due)));
    }

    /** The outcome of an action this engine asked for. */
    public CycleOutcome actionResult(ActionResult r) {
        checkReady();
        Activity a = node.activity();
        switch (r.action()) {
            case "start-services", "start-reported-services" -> a = r.ok() ? Activity.RUNNING : Activity.FAILED;
            case "stop-services" -> a = r.ok() ? Activity.STOPPED : Activity.FAILED;
            default -> {
            }
        }
        if (!r.ok()) {
            // a finding is a fact for the rules (e.g. the address held by the peer), not a fault
            emit(EngineEvent.log(null, "action " + r.action() + (r.finding().isEmpty() ? " failed: "
                    : " found " + r.finding() + ": ") + r.detail()));
        }
        setActivity(a);
        donePending(r.action());
        return cycle(List.of(session.insert(r)));
    }

    /**
     * An operator command; the rules answer it. Which names exist is the node's command routes' say
     * (they are the only way in); a command no rule answers is refused here.
     */
    public CycleOutcome command(String name, String origin) {
        checkReady();
        emit(EngineEvent.log(null, "command " + name + " from " + origin));
        CycleOutcome out = cycle(List.of(session.insert(new OperatorCommand(name, origin, now()))));
        if (out.answers().stream().noneMatch(a -> a.command().equals(name))) {
            String why = "no rule answered command \"" + name + "\" in state " + node.state();
            emit(EngineEvent.log(null, "command " + name + " refused: " + why));
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
        boolean pseudo = session.getSessionClock() instanceof SessionPseudoClock;
        Engine next = new Engine(kieBase, setup, pseudo, store, actions, events);
        if (pseudo) {
            next.advanceTo(now());
        }
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
        for (Object o : session.getObjects(f -> f instanceof ResourceStatus)) {
            ResourceStatus rs = (ResourceStatus) o;
            byName.put(rs.resource(), rs);
        }
        List<NodeStatus.ResourceView> views = new ArrayList<>();
        for (ResourceSpec spec : setup.resources().values()) {
            ResourceStatus rs = byName.get(spec.resource());
            String st = rs == null ? "unknown" : rs.up() ? "up" : "down";
            if (!st.equals(lastStatus.put(spec.resource(), st))) {
                lastChange.put(spec.resource(), now());
            }
            FactHandle h = probeHandles.get(spec.resource());
            String detail = h == null ? (spec.activeOnly() && node.activity() != Activity.RUNNING
                    ? "checked while the services run" : "not checked yet") : ((Probes) session.getObject(h)).detail();
            views.add(new NodeStatus.ResourceView(spec.resource(), st, spec.critical(), detail,
                    lastChange.getOrDefault(spec.resource(), -1L), lastCheck.getOrDefault(spec.resource(), -1L)));
        }
        NodeStatus.PeerView peer = null;
        if (peerHandle != null) {
            PeerHeartbeat ph = (PeerHeartbeat) session.getObject(peerHandle);
            Heartbeat hb = ph.heartbeat();
            peer = new NodeStatus.PeerView(hb.nodeId(), hb.state(), hb.data(), hb.generation(), hb.holding(), ph.receivedAt());
        }
        String mismatch = mismatchHandle == null ? null : ((PeerMismatch) session.getObject(mismatchHandle)).detail();
        status = new NodeStatus(setup.settings().nodeId(), node.state(), node.data(), node.generation(), node.activity(),
                node.since(), peer, views, mismatch, now());
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
        for (int round = 0; ; round++) {
            if (round == MAX_ROUNDS) {
                broken = true;
                throw new RulesException(List.of("rules keep changing the node: " + MAX_ROUNDS
                        + " rounds of decisions for one observation, the last by " + quoted(lastRules)
                        + "; stopped"), lastRules);
            }
            firings.clear();
            int fired = session.fireAllRules(MAX_FIRINGS);
            if (fired >= MAX_FIRINGS) {
                broken = true;
                Comparator<Map.Entry<String, Integer>> byCount = Map.Entry.comparingByValue();
                String top = firings.entrySet().stream().max(byCount.thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                        .map(Map.Entry::getKey).orElse("?");
                throw new RulesException(List.of("rule \"" + top + "\" keeps re-firing (" + firings.get(top) + " of "
                        + MAX_FIRINGS + " firings for one observation); stopped"), List.of(top));
            }
            if (round == 0) {
                oneShot.forEach(session::delete);
            }
            List<Decision> ds = new ArrayList<>(made);
            madeHandles.forEach(session::delete);
            made.clear();
            madeHandles.clear();
            if (ds.isEmpty()) {
                break;
            }
            lastRules = ds.stream().map(Decision::rule).distinct().toList();
            if (!apply(ds, applied, answers, requests)) {
                break;
            }
        }
        snapshot();
        requests.forEach(actions::perform);
        return new CycleOutcome(List.copyOf(applied), List.copyOf(answers));
    }

    /** Applies one round of decisions; true when a fact changed, so the rules must look again. */
    private boolean apply(List<Decision> ds, List<Decision> applied, List<CommandAnswer> answers,
                          List<ActionRequest> requests) {
        boolean changed = false;
        boolean transitioned = false;
        for (Decision d : ds) {
            if (d.command() != null) {
                answers.add(new CommandAnswer(d.command(), !d.refused(), d.reason(), d.rule()));
                DECISIONS.info("{}: command {} {}: {} (rule \"{}\")", setup.settings().nodeId(), d.command(),
                        d.refused() ? "refused" : "accepted", d.reason(), d.rule());
                emit(EngineEvent.log(d.rule(), "command " + d.command() + (d.refused() ? " refused: " : " accepted: ") + d.reason()));
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
            applied.add(d);
            if (!next.equals(before)) {
                node = next;
                session.update(nodeHandle, node);
                changed = true;
            }
            if (d.quiet() && next.equals(before)) {
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
                requests.add(new ActionRequest(action, d.rule(), d.reason(), node.generation()));
                if (action.equals("start-services") || action.equals("start-reported-services")) {
                    setActivity(Activity.STARTING);
                } else if (action.equals("stop-services")) {
                    setActivity(Activity.STOPPING);
                }
                addPending(action);
                changed = true;
            }
            if (d.command() == null && d.to() == null && d.data() == null && d.generation() == null && d.actions().isEmpty()) {
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

    private void setActivity(Activity a) {
        if (a == node.activity()) {
            return;
        }
        boolean leftRunning = node.activity() == Activity.RUNNING;
        node = node.withActivity(a);
        session.update(nodeHandle, node);
        if (leftRunning) {
            // what an active-only checker said while the services ran means nothing once they stop
            for (var it = probeHandles.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                ResourceSpec spec = setup.resources().get(e.getKey());
                if (spec != null && spec.activeOnly()) {
                    session.delete(e.getValue());
                    it.remove();
                }
            }
        }
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

    private void persist() {
        store.save(new PersistedNode(node.state(), node.data(), node.generation()));
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
