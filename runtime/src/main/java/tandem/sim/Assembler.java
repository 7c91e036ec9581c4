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

    /** @param home the installation directory holding profiles/, rules/ and routes/ */
    public Assembler(Path home) {
        this.home = home;
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
        RuleSet compiled = rules.get(node.ruleSources());
        if (compiled == null) {
            compiled = node.compileRules();
            rules.put(node.ruleSources(), compiled);
        }
        return new Parts(c, node.setup(), compiled, node.catalogue(), node.routeFolders());
    }
}
