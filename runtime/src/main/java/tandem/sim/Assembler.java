package tandem.sim;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.EngineSetup;
import tandem.engine.RuleSet;
import tandem.node.Assembly;
import tandem.routes.Catalogue;

/**
 * Builds what the simulation runs a node from: its configuration, its engine setup, its compiled rules
 * and the catalogue of its routes (the actions and commands the node has). The configurations it loaded
 * and the rules it compiled are kept, keyed by the file and the rule sources they came from, so that the
 * scenarios of one {@code tandem simulate} run that share configurations and a profile compile their
 * rules once. Files are read once per assembler: make a new one to see edits. Not thread-safe;
 * a simulation runs in one thread.
 */
public final class Assembler {

    /**
     * One node's parts.
     *
     * @param routeFolders the route folders the catalogue was read from, in load order
     */
    record Parts(NodeConfig config, EngineSetup setup, RuleSet rules, Catalogue catalogue, List<Path> routeFolders) {
    }

    private final Path home;
    private final Map<Path, NodeConfig> configs = new HashMap<>();
    private final Map<RuleSet.Sources, RuleSet> rules = new HashMap<>();
    /** The set every node runs instead of its own, or null: see {@link #running}. */
    private final Assembly set;
    private final RuleSet setRules;

    /** @param home the installation directory holding profiles/, rules/ and routes/ */
    public Assembler(Path home) {
        this(home, null, null);
    }

    private Assembler(Path home, Assembly set, RuleSet setRules) {
        this.home = home;
        this.set = set;
        this.setRules = setRules;
    }

    /**
     * An assembler whose nodes all run {@code rules} and the routes of {@code set} (its route folders and
     * catalogue), each with the setup of its own configuration: a reload tests the set it is about to take
     * against the scenarios, whose node configurations know nothing of the site's folders.
     */
    public static Assembler running(Assembly set, RuleSet rules) {
        return new Assembler(set.home(), java.util.Objects.requireNonNull(set), java.util.Objects.requireNonNull(rules));
    }

    /**
     * The parts of the node configured in {@code configFile}.
     *
     * @throws tandem.config.ConfigException when the configuration is invalid
     * @throws tandem.engine.RulesException  when its rules do not compile
     */
    Parts node(Path configFile) {
        NodeConfig c = configs.get(configFile);
        if (c == null) {
            c = ConfigLoader.load(configFile);
            configs.put(configFile, c);
        }
        return assemble(c);
    }

    /**
     * A simulated node is assembled as a running node is ({@link Assembly}: its profile's descriptor, its
     * site's extensions, the same folders, setup and catalogue); only the compiled rules are shared
     * between the nodes and scenarios that have the same rule sources.
     */
    private Parts assemble(NodeConfig c) {
        Assembly node = Assembly.of(home, c);
        if (set != null) {
            return new Parts(c, node.setup(), setRules, set.catalogue(), set.routeFolders());
        }
        RuleSet compiled = rules.get(node.ruleSources());
        if (compiled == null) {
            compiled = node.compileRules();
            rules.put(node.ruleSources(), compiled);
        }
        return new Parts(c, node.setup(), compiled, node.catalogue(), node.routeFolders());
    }
}
