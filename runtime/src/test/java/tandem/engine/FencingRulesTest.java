package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.facts.ActionResult;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.facts.Settings;

/** rules/pair/fencing.drl with the real ms-failover rules on a pseudo clock (failover timeout 30 s). */
class FencingRulesTest extends EngineHarness {

    private static RuleSet rules;

    @BeforeAll
    static void compile() {
        rules = Fixtures.msFailoverRules();
    }

    /** node2 (lower priority) SECOND uptodate of node1 PRIM, with a fencing command, at 10 s. */
    private void secondary() {
        Settings s = new Settings("node2", "node1", 50, 30_000, 2, 3, null, false, false, false, false, 1_000, false,
                30_000, true, 5_000, 20, 60_000);
        engine = Fixtures.engine(rules, new EngineSetup(s, Map.of(), Fixtures.msFailoverTable()), new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.heartbeat(new Heartbeat("node1", NodeState.ALONE, DataState.UPTODATE, 1, true, 100, 0));
        engine.actionResult(new ActionResult("resync", true, "ok", 0));
        engine.advanceTo(10_000);
        engine.heartbeat(new Heartbeat("node1", NodeState.PRIM, DataState.UPTODATE, 1, true, 100, 10_000));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(engine.node().uptodate()).isTrue();
        actions.clear();
    }

    @Test
    void theSurvivorFencesTheSilentPrimaryAndTakesOverOnlyOnceTheFenceWorked() {
        secondary();
        engine.advanceTo(40_000);
        CycleOutcome out = engine.tick();
        assertThat(out.applied()).singleElement().satisfies(d ->
                assertThat(d.rule()).isEqualTo("A node about to take over fences its silent peer first"));
        assertThat(engine.node().state()).as("no takeover before the fence").isEqualTo(NodeState.SECOND);
        engine.advanceTo(41_000);
        engine.tick();
        assertThat(actions()).as("one fence at a time").containsExactly("fence-peer");

        engine.actionResult(new ActionResult("fence-peer", true, "the fencing command succeeded", 42_000));
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions()).containsExactly("fence-peer", "vip-up", "start-services");
    }

    @Test
    void aFailedFenceHoldsTheTakeoverAndIsTriedAgainAfterTheFailoverTimeout() {
        secondary();
        engine.advanceTo(40_000);
        engine.tick();
        CycleOutcome failed = engine.actionResult(new ActionResult("fence-peer", false,
                "the fencing command failed (exit code 1: no route to host)", 41_000));
        assertThat(failed.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("A failed fence holds the takeover and is tried again");
            assertThat(d.reason()).contains("no route to host", "does not take over", "trying again in 30s");
        });
        engine.advanceTo(70_000);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(actions()).containsExactly("fence-peer");
        engine.advanceTo(71_000);
        engine.tick();
        assertThat(actions()).containsExactly("fence-peer", "fence-peer");
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
    }

    @Test
    void withoutAFencingCommandNothingIsFenced() {
        engine = Fixtures.aloneWithoutPeer(rules, events, actions);
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions()).containsExactly("vip-up", "start-services");
    }
}
