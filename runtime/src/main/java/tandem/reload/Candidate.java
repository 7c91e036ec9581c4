package tandem.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import tandem.TandemException;
import tandem.config.ConfigException;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.RuleSet;
import tandem.engine.RuleSmoke;
import tandem.engine.RulesException;
import tandem.engine.Setups;
import tandem.node.NodeRuntime;
import tandem.routes.Catalogue;
import tandem.routes.RouteSet;
import tandem.sim.Scenario;
import tandem.sim.ScenarioException;
import tandem.sim.ScenarioParser;
import tandem.sim.Simulation;

/**
 * The rule and route set a running node would take on reload, read from disk and proven before it
 * is taken (DESIGN "A profile is data"): the node's configuration file is read again, its rules
 * compiled and booted as {@code tandem check} boots them, its routes checked against the beans the
 * node has, and then every scenario of the profile ({@code samples/<profile>/scenarios/*.yaml}) and of
 * the site ({@code extensions.scenarios}) runs on the virtual clock with these rules, whatever rule
 * folders the scenario's own node configurations name: what is tested is the set the node is about to
 * run, the site's rule folders included.
 *
 * <p>Nothing here touches the running node: a candidate is built beside it, on the caller's thread.
 */
public final class Candidate {

    private final NodeConfig config;
    private final RuleSet rules;
    private final List<Path> routeFolders;
    private final List<Path> routeFiles;
    private final Catalogue catalogue;
    private final List<Path> scenarios;

    private Candidate(NodeConfig config, RuleSet rules, List<Path> routeFolders, Catalogue catalogue,
                      List<Path> scenarios) {
        this.config = config;
        this.rules = rules;
        this.routeFolders = List.copyOf(routeFolders);
        this.routeFiles = RouteSet.files(routeFolders);
        this.catalogue = catalogue;
        this.scenarios = List.copyOf(scenarios);
    }

    /**
     * Reads, checks and tests the set the node of {@code configFile} would run now.
     *
     * @param home       the installation directory (rules/, routes/, samples/)
     * @param beans      the beans the node's routes call, by name, as the running node binds them
     * @param properties the values of the routes' placeholders, as the running node resolves them
     * @throws ReloadException with every problem found: the configuration's errors ({@code FILE:LINE}),
     *                         else the rules' and the routes' ({@code FILE:LINE}), else what the rules
     *                         did when booted, else each scenario expectation that failed (the scenario's
     *                         {@code FILE:LINE}, the expectation and what the node was instead)
     */
    public static Candidate build(Path home, Path configFile, Map<String, Object> beans, Properties properties) {
        NodeConfig c;
        try {
            c = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            throw new ReloadException(e.errors().stream().map(Object::toString).toList());
        }
        List<String> problems = new ArrayList<>();
        RuleSet rules = null;
        try {
            rules = RuleSet.compile(RuleSet.folders(home, c.node().profile().yamlName(), c.extensions().rules()));
        } catch (RulesException e) {
            problems.addAll(e.problems());
        }
        List<Path> routeFolders = NodeRuntime.routeFolders(home, c);
        problems.addAll(RouteSet.validate("tandem-" + c.node().id(), routeFolders, beans, properties));
        List<Path> scenarios = scenarioFiles(home, c, problems);
        if (!problems.isEmpty()) {
            throw new ReloadException(problems);
        }
        problems.addAll(RuleSmoke.run(rules, Setups.of(c), c.timings().checkInterval().toMillis()));
        if (!problems.isEmpty()) {
            throw new ReloadException(problems);
        }
        for (Path file : scenarios) {
            problems.addAll(test(file, rules));
        }
        if (!problems.isEmpty()) {
            throw new ReloadException(problems);
        }
        return new Candidate(c, rules, routeFolders, Catalogue.read(routeFolders), scenarios);
    }

    /**
     * The scenario files a reload runs: {@code samples/<profile>/scenarios/*.yaml} of the installation,
     * when there is such a folder, then each folder of {@code extensions.scenarios}, each sorted by name.
     * A site folder that is missing is a problem: a reload that silently tested less than the site asked
     * for would prove nothing.
     */
    static List<Path> scenarioFiles(Path home, NodeConfig c, List<String> problems) {
        List<Path> files = new ArrayList<>();
        Path shipped = home.resolve("samples").resolve(c.node().profile().yamlName()).resolve("scenarios");
        if (Files.isDirectory(shipped)) {
            files.addAll(yamlFiles(shipped, problems));
        }
        for (Path dir : c.extensions().scenarios()) {
            if (!Files.isDirectory(dir)) {
                problems.add(c.file() + ": extensions.scenarios: " + dir + ": scenario folder does not exist");
                continue;
            }
            files.addAll(yamlFiles(dir, problems));
        }
        return files;
    }

    private static List<Path> yamlFiles(Path dir, List<String> problems) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            problems.add(dir + ": cannot list the scenario folder: " + e.getMessage());
            return List.of();
        }
    }

    /** Runs one scenario with {@code rules}; what failed, one line each, or nothing when it passed. */
    static List<String> test(Path file, RuleSet rules) {
        Simulation.Result r;
        try {
            Scenario s = ScenarioParser.load(file);
            r = Simulation.prepare(s, rules).run(e -> { });
        } catch (ScenarioException e) {
            return e.problems();
        } catch (ConfigException e) {
            return e.errors().stream().map(x -> file + ": nodes: " + x).toList();
        } catch (TandemException e) {
            return List.of(file + ": " + e.getMessage());
        }
        List<String> failed = new ArrayList<>();
        if (r.fatal() != null) {
            failed.add(file + ": simulation stopped: " + r.fatal());
        }
        for (Simulation.ExpectResult x : r.expectations()) {
            if (!x.met()) {
                Scenario.Expect e = x.expect();
                failed.add(file + ":" + e.line() + ": expected at " + seconds(e.at()) + " s " + e.describe()
                        + ", but it was " + x.actual());
            }
        }
        return failed;
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }

    /** The configuration as read for this candidate. */
    public NodeConfig config() {
        return config;
    }

    public RuleSet rules() {
        return rules;
    }

    /** The route folders, in load order. */
    public List<Path> routeFolders() {
        return routeFolders;
    }

    /** The route files of {@link #routeFolders()}, in load order. */
    public List<Path> routeFiles() {
        return routeFiles;
    }

    /** The actions and commands the candidate's routes carry. */
    public Catalogue catalogue() {
        return catalogue;
    }

    /** The scenario files it passed, in the order they ran. */
    public List<Path> scenarios() {
        return scenarios;
    }
}
