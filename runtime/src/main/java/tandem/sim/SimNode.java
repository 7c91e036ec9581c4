package tandem.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import tandem.config.NodeConfig;
import tandem.engine.CycleOutcome;
import tandem.engine.Engine;
import tandem.engine.EngineSetup;
import tandem.engine.NodeStatus;
import tandem.engine.NodeStore;
import tandem.engine.RuleSet;
import tandem.routes.Catalogue;

/** One simulated node: its parts, its engine while it runs, and the simulated machine's state under it. */
final class SimNode {
    final String name;
    final NodeConfig config;
    final EngineSetup setup;
    final RuleSet rules;
    /** The actions and commands its routes carry. */
    final Catalogue catalogue;
    final List<Path> routeFolders;
    final NodeStore store = new NodeStore.InMemory();
    /** The rollback's progress as the node kept it (its {@code rollback.json}), outliving a crash; null for none. */
    tandem.facts.RollbackProgress rollback;
    final Set<String> failed = new TreeSet<>();
    /** Actions a fail step made fail: how many of each one's next runs still fail. */
    final java.util.Map<String, Integer> failing = new java.util.TreeMap<>();
    /**
     * The backup transfer's schedule of a redundancy active ({@code redundancy.schedule}), or null: the
     * simulation's transfer timer asks it.
     */
    final tandem.redundancy.Schedule schedule;
    /**
     * The last scheduled transfer run that started (its {@code transfer-run.json}), outliving a crash as
     * the file does; null before the first.
     */
    java.time.Instant transferRun;
    /** When the node's engine last booted (virtual ms): a run due before it was missed while it was down. */
    long bootedAt;
    SimNode peer;
    Engine engine;
    int incarnation;
    tandem.facts.Heartbeat lastSent;
    long dataVersion;
    /** Between a freeze step and its end: what reaches the node waits in {@code held}. */
    boolean frozen;
    final List<Supplier<CycleOutcome>> held = new ArrayList<>();
    /** The virtual IP is on this node's interface (a node with {@code vip:} that took it and did not release it). */
    boolean holdsVip;
    /** The last answer to each command, for the {@code accepted} and {@code refused} expectations. */
    final java.util.Map<String, tandem.engine.CycleOutcome.CommandAnswer> answers = new java.util.HashMap<>();
    /** Every action this node asked for, for the {@code did} expectations. */
    final Set<String> did = new TreeSet<>();

    SimNode(String name, Assembler.Parts parts) {
        this.name = name;
        this.config = parts.config();
        this.setup = parts.setup();
        this.rules = parts.rules();
        this.catalogue = parts.catalogue();
        this.routeFolders = parts.routeFolders();
        this.schedule = config.redundancy().flatMap(tandem.config.Redundancy::schedule)
                .map(tandem.redundancy.Schedule::of).orElse(null);
    }

    /** What the engine said after its last cycle; null while the node is down. */
    NodeStatus status() {
        return engine == null ? null : engine.status();
    }

    /** The node is up and its Tandem process runs (not frozen), so it answers. */
    boolean answers() {
        return engine != null && !frozen;
    }
}
