package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.checks.VipCheck;
import tandem.facts.ActionResult;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.facts.ProbeResult;
import tandem.facts.Settings;

/**
 * rules/pair/vip.drl with the real ms-failover rules on a pseudo clock: a node restarted after it was
 * killed while active still has the virtual IP on its interface (the fault suite's kill9-primary found it
 * answering ARP beside the new active node); once it is not active it releases the address, once per
 * sighting, not in a loop.
 */
class VipReleaseRulesTest extends EngineHarness {

    private static RuleSet rules;

    @BeforeAll
    static void compile() {
        rules = Fixtures.msFailoverRules();
    }

    /** node2 restarted (WAIT), the vip.held check running, its peer node1 ALONE since the takeover. */
    private void restartedNextToTheNewActive() {
        Settings s = new Settings("node2", "node1", 50, 1_000, 2, 2, null, false, false, false, false, 100, false,
                1_000, false, 5_000, 20, 60_000);
        engine = Fixtures.engine(rules, new EngineSetup(s,
                Map.of(VipCheck.HELD, new EngineSetup.ResourceSpec(VipCheck.HELD, false, false, false)),
                Fixtures.msFailoverTable()), new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.heartbeat(new Heartbeat("node1", NodeState.ALONE, DataState.UPTODATE, 2, true, 100, 0));
    }

    private void held(long at, boolean held) {
        engine.advanceTo(at);
        engine.probe(new ProbeResult(VipCheck.HELD, held, held ? "10.0.0.50 is on eth0" : "not on any local interface", at));
    }

    @Test
    void aNodeThatIsNotActiveReleasesTheAddressItStillHoldsOnce() {
        restartedNextToTheNewActive();
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        actions.clear();
        held(100, true);
        held(200, true);
        assertThat(actions()).containsExactly("vip-down");
        assertThat(events.toString()).contains("A node that is not active releases the virtual IP it still holds");

        engine.actionResult(new ActionResult("vip-down", true, "released", 250));
        held(300, true); // the check's answer from before the release
        engine.advanceTo(400);
        engine.tick();
        assertThat(actions()).as("not released again while the check catches up").containsExactly("vip-down");
        held(500, false);
        held(600, false);
        engine.advanceTo(2_000);
        engine.tick();
        assertThat(actions()).containsExactly("vip-down");
    }

    /** node2 (priority 150) booted with nobody answering: ALONE, its address (when it has one) up, its services started. */
    private void aloneAfterBoot(boolean vip) {
        Settings s = new Settings("node2", "node1", 150, 1_000, 2, 2, null, false, false, false, false, 100, false,
                1_000, false, 5_000, 20, 60_000);
        engine = Fixtures.engine(rules, new EngineSetup(s,
                vip ? Map.of(VipCheck.HELD, new EngineSetup.ResourceSpec(VipCheck.HELD, false, false, false)) : Map.of(),
                Fixtures.msFailoverTable()), new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.linkListening();
        engine.advanceTo(2_000);
        engine.tick();
        engine.advanceTo(4_000);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        engine.actionResult(new ActionResult("vip-up", true, vip ? "up" : "no virtual IP configured", 4_000));
        engine.actionResult(new ActionResult("start-services", true, "started", 4_000));
    }

    @Test
    void theWinnerOfASplitBrainAnnouncesTheAddressAgainOnceTheLoserHasLeftTheRole() {
        // node2 with the better claim (priority 150 against 100), ALONE; node1 ALONE too after a partition
        aloneAfterBoot(true);
        actions.clear();
        engine.advanceTo(4_100);
        engine.heartbeat(new Heartbeat("node1", NodeState.ALONE, DataState.UPTODATE, 1, true, 100, 4_100));
        assertThat(actions()).as("announced at once").containsExactly("vip-up");
        engine.actionResult(new ActionResult("vip-up", true, "announced", 4_150));
        // the loser steps down and stops: still holding while its services stop
        engine.advanceTo(4_200);
        engine.heartbeat(new Heartbeat("node1", NodeState.WAIT, DataState.NOT_UPTODATE, 1, true, 100, 4_200));
        assertThat(actions()).containsExactly("vip-up");
        engine.advanceTo(4_400);
        engine.heartbeat(new Heartbeat("node1", NodeState.WAIT, DataState.NOT_UPTODATE, 1, false, 100, 4_400));
        assertThat(actions()).as("once more when the loser holds nothing; events %s", events)
                .containsExactly("vip-up", "vip-up");
        assertThat(events.toString()).contains("An active node announces the virtual IP again once the peer is back");
        engine.actionResult(new ActionResult("vip-up", true, "announced", 4_450));
        engine.advanceTo(4_500);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.NOT_UPTODATE, 1, false, 100, 4_500));
        assertThat(actions()).as("and not again").containsExactly("vip-up", "vip-up");
    }

    @Test
    void aNodeWithoutAVirtualIpAnnouncesNothingWhenItsPeerIsBack() {
        aloneAfterBoot(false);
        actions.clear();
        engine.advanceTo(4_100);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.NOT_UPTODATE, 1, false, 100, 4_100));
        engine.advanceTo(4_200);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.UPTODATE, 1, false, 100, 4_200));
        assertThat(actions()).as("events %s", events).doesNotContain("vip-up");
    }

    @Test
    void anActiveNodeWhosePeerWasSilentAnnouncesTheAddressOnceThePeerIsBackAndHoldsNothing() {
        // the fault suite's partition-no-witness: node2 (the better claim) was cut off and stayed ALONE with
        // the address; node1 took over meanwhile, and the clients learnt its MAC. After the heal node1 saw
        // the split brain first and stepped down before node2 heard it as active, so node2 never saw a split
        // brain; the clients kept node1's MAC, and node1 no longer had the address.
        aloneAfterBoot(true);
        // node1 joins as secondary and the pair forms
        engine.advanceTo(4_100);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.UPTODATE, 2, false, 100, 4_100));
        engine.advanceTo(4_200);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.UPTODATE, 2, false, 100, 4_200));
        assertThat(engine.node().state()).isEqualTo(NodeState.PRIM);
        engine.actionResult(new ActionResult("vip-up", true, "announced", 4_200));
        actions.clear();
        // the partition: nothing from node1 for longer than the failover timeout
        engine.advanceTo(5_000);
        engine.tick();
        engine.advanceTo(6_000);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions()).doesNotContain("vip-up");
        // the heal: node1 is back, already SECOND and holding nothing
        engine.advanceTo(6_100);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.NOT_UPTODATE, 1, false, 100, 6_100));
        assertThat(actions()).as("announced once the peer is back; events %s", events).containsExactly("vip-up");
        engine.actionResult(new ActionResult("vip-up", true, "announced", 6_150));
        engine.advanceTo(6_200);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.UPTODATE, 1, false, 100, 6_200));
        engine.advanceTo(7_000);
        engine.heartbeat(new Heartbeat("node1", NodeState.SECOND, DataState.UPTODATE, 1, false, 100, 7_000));
        engine.tick();
        assertThat(actions()).as("and not again").containsExactly("vip-up");
    }

    @Test
    void theActiveNodeKeepsItsAddress() {
        restartedNextToTheNewActive();
        engine.actionResult(new ActionResult("resync", true, "ok", 0));
        // node1 goes away: node2 takes over and holds the address as it should
        engine.advanceTo(5_000);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        actions.clear();
        held(5_100, true);
        held(5_200, true);
        held(5_300, true);
        assertThat(actions()).doesNotContain("vip-down");
    }
}
