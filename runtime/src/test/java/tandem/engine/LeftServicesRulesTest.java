package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.facts.ServicesFound;
import tandem.facts.Settings;

/**
 * rules/pair/boot.drl's services left running by a run that was killed while active (the fault suite's
 * kill9-primary found the application still running on the restarted node beside the new active one):
 * a node that is not active stops them; one that is active keeps them.
 */
class LeftServicesRulesTest extends EngineHarness {

    private static RuleSet rules;

    @BeforeAll
    static void compile() {
        rules = Fixtures.msFailoverRules();
    }

    private void booted() {
        Settings s = new Settings("node2", "node1", 50, 1_000, 2, 2, null, false, false, false, false, 100, false,
                1_000, false, 5_000, 20, 60_000);
        engine = Fixtures.engine(rules, new EngineSetup(s, Map.of(), Fixtures.msFailoverTable()),
                new NodeStore.InMemory(), events, actions);
        engine.boot(false);
    }

    @Test
    void aRestartedNodeNextToAnActivePeerStopsWhatItsEarlierRunLeftRunning() {
        booted();
        engine.heartbeat(new Heartbeat("node1", NodeState.ALONE, DataState.UPTODATE, 2, true, 100, 0));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        actions.clear();
        engine.servicesFound(new ServicesFound(List.of("app")));
        assertThat(actions()).containsExactly("stop-services");
        assertThat(events.toString()).contains("found running at start while SECOND: app");
        engine.advanceTo(500);
        engine.tick();
        assertThat(actions()).as("once").containsExactly("stop-services");
    }

    @Test
    void nothingFoundNothingStopped() {
        booted();
        actions.clear();
        engine.servicesFound(new ServicesFound(List.of()));
        assertThat(actions()).isEmpty();
    }
}
