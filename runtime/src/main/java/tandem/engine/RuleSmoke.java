package tandem.engine;

import java.util.List;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

/**
 * What {@code tandem check} does with rules that compile: boots them once on a pseudo clock, with the
 * link listening at once, alone for a failover timeout and then with a waiting peer, with every action
 * answered at once. A rule that
 * keeps re-firing, or rules that keep undoing each other, show up here as an error instead of in a
 * running node. It proves nothing about the policy itself: that is what the profile's scenarios do.
 */
public final class RuleSmoke {
    private RuleSmoke() {
    }

    /**
     * Empty when the rules ran; otherwise the problems.
     *
     * @param commands the node's operator commands (its command routes), each given once at the end
     */
    public static List<String> run(RuleSet rules, EngineSetup setup, long checkIntervalMs,
            java.util.Collection<String> commands) {
        long step = Math.max(1, checkIntervalMs);
        long end = setup.settings().failoverTimeoutMs() + 3 * step;
        try (Engine e = new Engine(rules.kieBase(), setup, true, new NodeStore.InMemory(), r -> { }, ev -> { })) {
            e.boot(false);
            e.linkListening();
            for (long t = step; t <= end; t += step) {
                e.advanceTo(t);
                e.tick();
            }
            e.heartbeat(new Heartbeat(setup.settings().peerId(), NodeState.WAIT, DataState.UPTODATE, 0, false, 0, end));
            for (String command : commands) {
                e.command(command, "check");
            }
            return List.of();
        } catch (RulesException ex) {
            return rules.locate(ex);
        }
    }
}
