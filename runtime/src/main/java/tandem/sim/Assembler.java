package tandem.sim;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.EngineSetup;
import tandem.engine.RuleSet;
import tandem.engine.Setups;
import tandem.node.NodeRuntime;
import tandem.routes.Catalogue;

/**
 * Builds what the simulation runs a node from: its configuration, its engine setup, its compiled rules
 * and the catalogue of its routes (the actions and commands the node has). What it loaded, compiled and
 * read is kept, keyed by the file or the folders it came from, so that the scenarios of one
 * {@code tandem simulate} run that share configurations and a profile compile their rules and read
 * their routes once. Files are read once per assembler: make a new one to see edits. Not thread-safe;
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
    private final Map<List<Path>, RuleSet> rules = new HashMap<>();
    private final Map<List<Path>, Catalogue> catalogues = new HashMap<>();

    /** @param home the installation directory holding rules/ and routes/ */
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
     * The one place a simulated node's rule folders, route folders, setup and catalogue are resolved
     * from its profile and its site's extensions, as a running node resolves them.
     */
    private Parts assemble(NodeConfig c) {
        List<Path> ruleFolders = RuleSet.folders(home, c.node().profile().yamlName(), c.extensions().rules());
        List<Path> routeFolders = NodeRuntime.routeFolders(home, c);
        RuleSet compiled = rules.get(ruleFolders);
        if (compiled == null) {
            compiled = RuleSet.compile(ruleFolders);
            rules.put(ruleFolders, compiled);
        }
        return new Parts(c, Setups.of(c), compiled, catalogues.computeIfAbsent(routeFolders, Catalogue::read),
                routeFolders);
    }
}
