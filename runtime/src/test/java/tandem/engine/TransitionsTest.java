package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tandem.facts.NodeState;
import tandem.facts.Settings;

class TransitionsTest {

    /** The line above each profile's diagram in README.md. */
    static String marker(String profile) {
        return "<!-- state diagram of profile " + profile + ": generated from profiles/" + profile
                + ".yaml, checked by TransitionsTest -->\n```mermaid\n";
    }

    @Test
    void theReadmeShowsEveryProfilesTransitionTableAsItIs() throws Exception {
        String readme = Files.readString(Fixtures.home().resolve("README.md"));
        List<String> profiles = ProfileSpec.names(Fixtures.home());
        assertThat(profiles).containsExactly("ms-failover", "redundancy", "sbs");
        for (String profile : profiles) {
            String begin = marker(profile);
            int from = readme.indexOf(begin);
            assertThat(from).as("README has the state diagram of %s", profile).isGreaterThanOrEqualTo(0);
            int to = readme.indexOf("```", from + begin.length());
            String shown = readme.substring(from + begin.length(), to);
            assertThat(shown).as("README state diagram of %s; replace it with ProfileSpec.load(home, \"%s\")"
                    + ".transitions().mermaid()", profile, profile)
                    .isEqualTo(ProfileSpec.load(Fixtures.home(), profile).transitions().mermaid());
        }
    }

    @Test
    void everyShippedTableReachesAndLeavesEveryStateAndNeverSwapsTheRolesDirectly() {
        for (String profile : ProfileSpec.names(Fixtures.home())) {
            Transitions table = ProfileSpec.load(Fixtures.home(), profile).transitions();
            Set<String> seen = new HashSet<>();
            Set<NodeState> reached = new HashSet<>(Set.of(table.initial()));
            Set<NodeState> left = new HashSet<>();
            for (Transition t : table.table()) {
                assertThat(seen.add(t.from() + ">" + t.to())).as("%s: duplicate %s", profile, t).isTrue();
                assertThat(t.from()).isNotEqualTo(t.to());
                assertThat(t.why()).isNotBlank();
                reached.add(t.to());
                left.add(t.from());
            }
            assertThat(table.initial()).as(profile).isEqualTo(NodeState.WAIT);
            // the redundancy profile has no pair, so no PRIM (README "The redundancy profile")
            Set<NodeState> used = profile.equals("redundancy")
                    ? java.util.EnumSet.complementOf(java.util.EnumSet.of(NodeState.PRIM))
                    : java.util.EnumSet.allOf(NodeState.class);
            assertThat(reached).as(profile).containsExactlyInAnyOrderElementsOf(used);
            assertThat(left).as(profile).containsExactlyInAnyOrderElementsOf(used);
            assertThat(table.find(NodeState.PRIM, NodeState.SECOND)).as("%s: roles never swap directly", profile).isEmpty();
            assertThat(table.find(NodeState.SECOND, NodeState.PRIM)).as("%s: roles never swap directly", profile).isEmpty();
        }
    }

    @Test
    void theEngineEnforcesTheTableItIsGivenNotOneOfItsOwn() {
        Transitions shipped = Fixtures.msFailoverTable();
        List<Transition> withoutGoingAlone = shipped.table().stream()
                .filter(t -> !(t.from() == NodeState.WAIT && t.to() == NodeState.ALONE)).toList();
        EngineSetup setup = new EngineSetup(new Settings("node1", "node2", 100, 30_000, 2, 3, null, false), Map.of(),
                new Transitions(NodeState.WAIT, withoutGoingAlone));
        List<EngineEvent> events = new ArrayList<>();
        List<ActionPort.ActionRequest> actions = new ArrayList<>();
        RuleSet rules = Fixtures.msFailoverRules();
        Engine e = Fixtures.engine(rules, setup, new NodeStore.InMemory(), events, actions);
        e.boot(false);
        e.linkListening();
        e.advanceTo(30_000);
        e.tick();

        assertThat(e.node().state()).as("the rules ask for WAIT -> ALONE, which this table lacks").isEqualTo(NodeState.WAIT);
        assertThat(events).anySatisfy(ev -> assertThat(ev.reason()).contains("refused: WAIT -> ALONE is not in the transition table"));
        assertThat(actions).as("a refused change asks for nothing").noneMatch(a -> a.action().equals("vip-up"));

        List<EngineEvent> shippedEvents = new ArrayList<>();
        Engine alone = Fixtures.aloneWithoutPeer(rules, shippedEvents, new ArrayList<>());
        assertThat(alone.node().state()).as("with the shipped table the same rules go alone").isEqualTo(NodeState.ALONE);
    }

    @Test
    void aNodeBootsIntoItsTablesInitialState() {
        Transitions fromStop = new Transitions(NodeState.STOP, Fixtures.msFailoverTable().table());
        EngineSetup setup = new EngineSetup(new Settings("node1", "node2", 100, 30_000, 2, 3, null, false), Map.of(), fromStop);
        Engine e = Fixtures.engine(Fixtures.msFailoverRules(), setup, new NodeStore.InMemory(), new ArrayList<>(),
                new ArrayList<>());

        e.boot(false);

        assertThat(e.node().state()).isEqualTo(NodeState.STOP);
    }
}
