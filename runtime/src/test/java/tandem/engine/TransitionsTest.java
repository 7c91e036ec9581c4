package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tandem.facts.NodeState;

class TransitionsTest {

    @Test
    void theReadmeShowsTheTransitionTableAsItIs() throws Exception {
        String readme = Files.readString(Fixtures.home().resolve("README.md"));
        String begin = "<!-- state diagram: generated from Transitions.TABLE, checked by TransitionsTest -->\n```mermaid\n";
        int from = readme.indexOf(begin);
        assertThat(from).as("README has the state diagram block").isGreaterThanOrEqualTo(0);
        int to = readme.indexOf("```", from + begin.length());
        String shown = readme.substring(from + begin.length(), to);
        assertThat(shown).as("README state diagram; replace it with Transitions.mermaid()").isEqualTo(Transitions.mermaid());
    }

    @Test
    void theTableHasNoDuplicatesNoSelfLoopsAndEveryStateIsReachableAndLeavable() {
        Set<String> seen = new HashSet<>();
        Set<NodeState> reached = new HashSet<>(Set.of(Transitions.INITIAL));
        Set<NodeState> left = new HashSet<>();
        for (Transition t : Transitions.TABLE) {
            assertThat(seen.add(t.from() + ">" + t.to())).as("duplicate %s", t).isTrue();
            assertThat(t.from()).isNotEqualTo(t.to());
            assertThat(t.why()).isNotBlank();
            reached.add(t.to());
            left.add(t.from());
        }
        assertThat(reached).containsExactlyInAnyOrder(NodeState.values());
        assertThat(left).containsExactlyInAnyOrder(NodeState.values());
        assertThat(Transitions.find(NodeState.PRIM, NodeState.SECOND)).as("roles never swap directly").isEmpty();
    }
}
