package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.facts.ActionResult;
import tandem.facts.ClockSkew;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.facts.PeerServices;
import tandem.facts.ProbeResult;
import tandem.facts.Settings;

/**
 * The policy that lives in the rules, driven by Settings: the clock-skew limit, which resources count
 * while the services do not run, sbs's answer wait and what an sbs takeover starts, the election order.
 */
class PolicyRulesTest {

    private final List<EngineEvent> events = new ArrayList<>();
    private final List<ActionPort.ActionRequest> actions = new ArrayList<>();
    private Engine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private List<String> actions() {
        return actions.stream().map(ActionPort.ActionRequest::action).toList();
    }

    /** node1 (priority 100) of a pair with node2, 30 s failover timeout, rise 2, fall 3, the given values. */
    private static Settings settings(String node, String peer, int priority, long failoverMs, long heartbeatMs,
                                     long maxSkewMs) {
        return new Settings(node, peer, priority, failoverMs, 2, 3, null, false, false, false, false, heartbeatMs, false,
                failoverMs, false, maxSkewMs, 20, 60_000);
    }

    private NodeStatus.ResourceView view(String resource) {
        return engine.status().resources().stream().filter(r -> r.resource().equals(resource)).findFirst().orElseThrow();
    }

    // --- MS-12: the clock-skew limit --------------------------------------------------------------

    private void clockEngine(long maxSkewMs) {
        EngineSetup setup = new EngineSetup(settings("node1", "node2", 100, 30_000, 1_000, maxSkewMs),
                Map.of(Setups.CLOCK, new ResourceSpec(Setups.CLOCK, false, false)), Fixtures.msFailoverTable());
        engine = Fixtures.engine(Fixtures.msFailoverRules(), setup, new NodeStore.InMemory(), events, actions);
        engine.boot(false);
    }

    private void skew(long millis, int times) {
        for (int i = 0; i < times; i++) {
            long t = engine.now() + 1_000;
            engine.advanceTo(t);
            engine.probes(List.of(new ClockSkew(Setups.CLOCK, millis, t)));
        }
    }

    @Test
    void theRulesJudgeTheMeasuredClockSkewAgainstTheConfiguredLimit() {
        clockEngine(5_000);
        skew(200, 2);
        assertThat(view(Setups.CLOCK)).satisfies(v -> {
            assertThat(v.status()).isEqualTo("up");
            assertThat(v.detail()).isEqualTo("peer clock differs by 200ms");
        });
        skew(-6_000, 3);
        assertThat(view(Setups.CLOCK)).satisfies(v -> {
            assertThat(v.status()).isEqualTo("down");
            assertThat(v.detail()).isEqualTo("peer clock differs by 6s (MS-12: must be below 5s; check NTP on both nodes)");
        });
    }

    @Test
    void aSiteThatAllowsMoreSkewSeesTheSameClockUp() {
        clockEngine(10_000);
        skew(6_000, 2);
        assertThat(view(Setups.CLOCK).status()).isEqualTo("up");
    }

    // --- when: active ------------------------------------------------------------------------------

    @Test
    void anActiveOnlyResourceCountsOnlyWhileTheServicesRunAndIsForgottenWhenTheyStop() {
        EngineSetup setup = new EngineSetup(Fixtures.node1().settings(),
                Map.of("proc.app", new ResourceSpec("proc.app", true, true)), Fixtures.msFailoverTable());
        engine = Fixtures.engine(Fixtures.msFailoverRules(), setup, new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.probes(List.of(new ProbeResult("proc.app", false, "not running", 0)));
        assertThat(view("proc.app")).satisfies(v -> {
            assertThat(v.status()).isEqualTo("unknown");
            assertThat(v.detail()).isEqualTo("checked while the services run");
            assertThat(v.checked()).as("the checker need not run").isFalse();
            assertThat(v.lastCheck()).as("the result was ignored").isEqualTo(-1);
        });

        engine.linkListening();
        engine.advanceTo(30_000);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(view("proc.app").checked()).as("starting is not running").isFalse();
        engine.actionResult(new ActionResult("start-services", true, "ok", 30_000));
        assertThat(view("proc.app").checked()).isTrue();
        for (long t = 31_000; t <= 33_000; t += 1_000) {
            engine.advanceTo(t);
            engine.probes(List.of(new ProbeResult("proc.app", false, "not running", t)));
        }
        assertThat(view("proc.app").status()).isEqualTo("down");

        // stopped by the operator: the failures before mean nothing once the services are stopped
        engine.command("stop", "test");
        assertThat(view("proc.app")).satisfies(v -> {
            assertThat(v.status()).isEqualTo("unknown");
            assertThat(v.checked()).isFalse();
        });
    }

    // --- sbs -----------------------------------------------------------------------------------------

    private static RuleSet sbsRules() {
        return RuleSet.compile(sbs().ruleFolders());
    }

    private long primaryAfterNoAnswer(long heartbeatMs) {
        engine = Fixtures.engine(sbsRules(), new EngineSetup(settings("node1", "node2", 100, 10_000, heartbeatMs,
                5_000), Map.of(), sbsTable()), new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.linkListening();
        for (long t = 500; t <= 10_000; t += 500) {
            engine.advanceTo(t);
            engine.tick();
            if (engine.node().state() == NodeState.ALONE) {
                return t;
            }
        }
        return -1;
    }

    @Test
    void sbsWaitsThreeHeartbeatsForAnAnswerAtMostTheFailoverTimeout() {
        assertThat(primaryAfterNoAnswer(1_000)).isEqualTo(3_000);
        close();
        assertThat(primaryAfterNoAnswer(2_000)).isEqualTo(6_000);
        close();
        assertThat(primaryAfterNoAnswer(5_000)).as("capped by the failover timeout").isEqualTo(10_000);
    }

    private void sbsSecondary() {
        engine = Fixtures.engine(sbsRules(), new EngineSetup(settings("node2", "node1", 50, 10_000, 1_000, 5_000),
                Map.of(), sbsTable()), new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.linkListening();
        engine.heartbeat(new Heartbeat("node1", NodeState.ALONE, DataState.UPTODATE, 1, true, 100, 0));
        engine.actionResult(new ActionResult("resync", true, "ok", 0));
        engine.heartbeat(new Heartbeat("node1", NodeState.PRIM, DataState.UPTODATE, 1, true, 100, 0));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(engine.node().uptodate()).isTrue();
    }

    @Test
    void anSbsTakeoverStartsWhatThePrimaryReportedRunning() {
        sbsSecondary();
        engine.peerServices(new PeerServices(List.of("labels", "print")));
        engine.advanceTo(11_000);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions()).endsWith("vip-up", "start-reported-services");
    }

    @Test
    void anSbsTakeoverStartsEveryServiceWhenThePrimaryNeverSaidWhich() {
        sbsSecondary();
        engine.advanceTo(11_000);
        CycleOutcome out = engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions()).endsWith("vip-up", "start-services");
        assertThat(out.applied()).singleElement().satisfies(d ->
                assertThat(d.reason()).contains("every service (the primary never said which ran)"));
    }

    // --- the election order ------------------------------------------------------------------------

    private String electedWith(int myPriority, long myGeneration, DataState myData, Heartbeat peer) {
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.WAIT, myData, myGeneration));
        engine = Fixtures.engine(Fixtures.msFailoverRules(), new EngineSetup(settings("node1", "node2", myPriority,
                30_000, 1_000, 5_000), Map.of(), Fixtures.msFailoverTable()), store, events, actions);
        engine.boot(false);
        engine.heartbeat(peer);
        String out = engine.node().state() == NodeState.ALONE ? "node1" : "node2";
        close();
        engine = null;
        return out;
    }

    private static Heartbeat waiting(DataState data, long generation, int priority) {
        return new Heartbeat("node2", NodeState.WAIT, data, generation, false, priority, 0);
    }

    @Test
    void theElectionOrderIsCurrentDataThenGenerationThenPriorityThenTheLowerNodeId() {
        assertThat(electedWith(0, 1, DataState.UPTODATE, waiting(DataState.NOT_UPTODATE, 9, 100)))
                .as("current data beats a higher generation and priority").isEqualTo("node1");
        assertThat(electedWith(100, 1, DataState.UPTODATE, waiting(DataState.UPTODATE, 2, 0)))
                .as("then the generation").isEqualTo("node2");
        assertThat(electedWith(0, 2, DataState.UPTODATE, waiting(DataState.UPTODATE, 2, 100)))
                .as("then the priority").isEqualTo("node2");
        assertThat(electedWith(50, 2, DataState.UPTODATE, waiting(DataState.UPTODATE, 2, 50)))
                .as("then the lower node id").isEqualTo("node1");
    }

    private static ProfileSpec sbs() {
        return ProfileSpec.load(Fixtures.home(), "sbs");
    }

    private static Transitions sbsTable() {
        return sbs().transitions();
    }
}
