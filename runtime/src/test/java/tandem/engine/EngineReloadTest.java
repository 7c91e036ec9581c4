package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.facts.ActionResult;
import tandem.facts.Activity;
import tandem.facts.DataState;
import tandem.facts.NodeState;
import tandem.facts.ProbeResult;
import tandem.facts.Settings;

/**
 * {@link Engine#reloaded}: a node takes a new rule set where it stands, without booting again and
 * without a decision at the reload; the new rules decide from the next observation on.
 */
class EngineReloadTest {

    private static final String HEADER = "package tandem.rules;\nimport tandem.facts.*;\n";
    /** A site rule the shipped set lacks: a primary whose application checker reports down steps down. */
    private static final String STEP_DOWN = HEADER + """
            rule "A primary whose application is down steps down"
            when
                LocalNode(state == NodeState.PRIM)
                ResourceStatus(resource == "proc.app", !up)
            then
                insert(Decision.by(drools).to(NodeState.WAIT).data(DataState.NOT_UPTODATE).act("stop-services", "vip-down")
                        .because("the application is down (site rule)"));
            end
            """;
    /** Says so when the peer counts as silent although its heartbeat is there. */
    private static final String SILENT_BUT_HEARD = """
            rule "Probe: a silent peer that was heard"
            when
                PeerSilent()
                PeerHeartbeat()
            then
                insert(Decision.by(drools).because("a silent peer that was heard"));
            end
            """;

    @TempDir
    static Path tmp;
    private static RuleSet rules;
    /** The shipped rules and a site folder with the two rules above. */
    private static RuleSet site;
    private final List<EngineEvent> events = new ArrayList<>();
    private final List<ActionPort.ActionRequest> actions = new ArrayList<>();
    private final NodeStore store = new NodeStore.InMemory();
    private final List<Engine> engines = new ArrayList<>();

    @BeforeAll
    static void compile() throws Exception {
        rules = Fixtures.msFailoverRules();
        List<Path> folders = new ArrayList<>(Fixtures.msFailover().ruleFolders());
        folders.add(Fixtures.drlFolder(tmp, "site.drl", STEP_DOWN + SILENT_BUT_HEARD));
        site = RuleSet.compile(folders);
    }

    @AfterEach
    void close() {
        engines.forEach(Engine::close);
    }

    /** node1 with a non-critical application checker (rise 2, fall 3), checked whatever the services do. */
    private static EngineSetup withApp() {
        return new EngineSetup(new Settings("node1", "node2", 100, 30_000, 2, 3, null, false),
                Map.of("proc.app", new ResourceSpec("proc.app", false, false)), Fixtures.msFailoverTable());
    }

    private Engine track(Engine e) {
        engines.add(e);
        return e;
    }

    /**
     * node1 at 33 s: PRIM in generation 1 with node2 SECOND (heard at 31 s), proc.app up, vip-up done
     * and start-services still running (pending).
     */
    private Engine primWithPeer() {
        Engine e = track(Fixtures.engine(rules, withApp(), store, events, actions));
        e.boot(false);
        e.linkListening();
        e.advanceTo(30_000);
        e.tick();
        e.actionResult(new ActionResult("vip-up", true, "done", 30_000));
        e.advanceTo(31_000);
        e.heartbeat(Fixtures.peer(NodeState.SECOND, DataState.UPTODATE, 1, false));
        for (long t = 32_000; t <= 33_000; t += 1_000) {
            e.advanceTo(t);
            e.probe(new ProbeResult("proc.app", true, "running", t));
        }
        assertThat(e.node().state()).isEqualTo(NodeState.PRIM);
        assertThat(e.status().resources()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo("up"));
        assertThat(e.pending()).containsExactly("start-services");
        return e;
    }

    @Test
    void aPrimNodeReloadsAndStaysPrimWithItsPeerResourcesAndPendingAction() {
        Engine before = primWithPeer();
        NodeStatus was = before.status();
        int eventsBefore = events.size();
        int actionsBefore = actions.size();
        var saved = store.load();

        Engine after = track(before.reloaded(rules.kieBase()));

        assertThat(after.node()).isEqualTo(before.node());
        assertThat(after.now()).isEqualTo(33_000);
        assertThat(after.status()).isEqualTo(was);
        assertThat(after.pending()).containsExactly("start-services");
        assertThat(events).as("the reload itself decides nothing").hasSize(eventsBefore);
        assertThat(actions).as("and asks for nothing").hasSize(actionsBefore);
        assertThat(store.load()).isEqualTo(saved);

        after.advanceTo(34_000);
        after.actionResult(new ActionResult("start-services", true, "started", 34_000));
        assertThat(after.status().activity()).as("the pending start reports to the new engine").isEqualTo(Activity.RUNNING);
        assertThat(after.pending()).isEmpty();
        after.advanceTo(60_999);
        after.tick();
        assertThat(after.node().state()).as("the peer was heard at 31 s").isEqualTo(NodeState.PRIM);
        assertThat(after.node().generation()).isEqualTo(1);
        after.advanceTo(61_000);
        after.tick();
        assertThat(after.node().state()).as("30 s after the peer's last heartbeat, heard before the reload")
                .isEqualTo(NodeState.ALONE);
    }

    @Test
    void aDecisionChangedByTheNewRulesTakesEffectAtTheNextObservation() {
        Engine before = primWithPeer();
        for (long t = 34_000; t <= 36_000; t += 1_000) {
            before.advanceTo(t);
            before.probe(new ProbeResult("proc.app", false, "not running", t));
        }
        assertThat(before.status().resources()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo("down"));
        assertThat(before.node().state()).as("the shipped rules keep a primary whose non-critical resource is down")
                .isEqualTo(NodeState.PRIM);
        int eventsBefore = events.size();

        Engine after = track(before.reloaded(site.kieBase()));

        assertThat(after.node().state()).as("nothing fires at the reload").isEqualTo(NodeState.PRIM);
        assertThat(events).hasSize(eventsBefore);
        after.advanceTo(37_000);
        CycleOutcome out = after.tick();
        assertThat(after.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(after.node().data()).isEqualTo(DataState.NOT_UPTODATE);
        assertThat(out.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("A primary whose application is down steps down");
            assertThat(d.actions()).containsExactly("stop-services", "vip-down");
        });
    }

    @Test
    void derivedFactsAreLeftForTheNewRulesToDeriveNotCarriedOver() {
        Engine before = track(Fixtures.aloneWithoutPeer(rules, events, actions));
        assertThat(before.node().state()).as("alone: the peer is silent (derived)").isEqualTo(NodeState.ALONE);

        Engine after = track(before.reloaded(site.kieBase()));
        after.advanceTo(31_000);
        after.heartbeat(Fixtures.peer(NodeState.WAIT, DataState.UPTODATE, 0, false));

        // carried over as a stated fact, PeerSilent would outlive the heartbeat that ends it
        assertThat(events).noneMatch(e -> "Probe: a silent peer that was heard".equals(e.rule()));
        assertThat(after.status().peer()).isNotNull();
        assertThat(after.node().state()).isEqualTo(NodeState.ALONE);
    }

    @Test
    void aSettingsMismatchIsCarriedOver() {
        Engine before = track(Fixtures.aloneWithoutPeer(rules, events, actions));
        before.mismatch("the peer's failover timeout is 20 s");

        Engine after = track(before.reloaded(rules.kieBase()));

        assertThat(after.status().mismatch()).isEqualTo("the peer's failover timeout is 20 s");
        after.mismatchCleared();
        assertThat(after.status().mismatch()).isNull();
    }

    @Test
    void theLoopSwapsItsEngineOnItsOwnThreadAndObservationsReachTheNewOne() throws Exception {
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch alone = new CountDownLatch(1);
        EngineLoop loop = new EngineLoop("node1", () -> {
            Engine e = new Engine(rules.kieBase(), Fixtures.node1(), false, new NodeStore.InMemory(), r -> { }, ev -> {
                if ("state".equals(ev.kind()) && "ALONE".equals(ev.to())) {
                    alone.countDown();
                }
            });
            e.boot(false);
            return e;
        });
        try {
            loop.start();
            loop.observe(Fixtures.peer(NodeState.WAIT, DataState.UPTODATE, 0, false));
            assertThat(alone.await(10, TimeUnit.SECONDS)).isTrue();
            Engine[] swapped = new Engine[2];

            loop.swap(running -> {
                threads.add(Thread.currentThread().getName());
                swapped[0] = running;
                swapped[1] = running.reloaded(rules.kieBase());
                return swapped[1];
            });

            assertThat(threads).containsExactly("tandem-engine-node1");
            assertThat(loop.status().state()).isEqualTo(NodeState.ALONE);
            var answer = loop.submit("start");
            assertThat(answer.reason()).as("the new engine answers").isEqualTo("start applies to a stopped node; this node is ALONE");
            assertThatThrownBy(() -> loop.swap(running -> {
                assertThat(running).isSameAs(swapped[1]);
                throw new IllegalStateException("refused");
            })).hasMessage("refused");
            assertThat(loop.submit("start").reason()).as("a failed swap keeps the running engine")
                    .isEqualTo("start applies to a stopped node; this node is ALONE");
        } finally {
            loop.close();
        }
    }
}
