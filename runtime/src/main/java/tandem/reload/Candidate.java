package tandem.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import tandem.TandemException;
import tandem.config.ConfigException;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ProfileException;
import tandem.engine.RuleSet;
import tandem.engine.RuleSmoke;
import tandem.engine.RulesException;
import tandem.node.Assembly;
import tandem.routes.Catalogue;
import tandem.routes.CatalogueCheck;
import tandem.routes.RouteSet;
import tandem.sim.Assembler;
import tandem.sim.Scenario;
import tandem.sim.ScenarioException;
import tandem.sim.ScenarioParser;
import tandem.sim.Simulation;

/**
 * The rule and route set a running node would take on reload, read from disk and proven before it
 * is taken (DESIGN "A profile is data"): the node's configuration file is read again and the node
 * assembled from it ({@link Assembly}), its rules compiled and booted as {@code tandem check} boots
 * them, its routes checked with the beans a node binds, the rules' actions and commands against
 * the routes that carry them, and then every scenario of the profile (the {@code scenarios} folder of
 * its descriptor) and of the site ({@code extensions.scenarios}) runs on the virtual clock with these
 * rules and routes, whatever folders the scenario's own node configurations name: what is tested is
 * the set the node is about to run, the site's folders included.
 *
 * <p>Nothing here touches the running node: a candidate is built beside it, on the caller's thread.
 */
public final class Candidate {

    private final Assembly assembly;
    private final RuleSet rules;
    private final List<Path> routeFiles;
    private final List<Path> scenarios;
    private final List<String> warnings;

    private Candidate(Assembly assembly, RuleSet rules, List<Path> scenarios, List<String> warnings) {
        this.assembly = assembly;
        this.rules = rules;
        this.routeFiles = RouteSet.files(assembly.routeFolders());
        this.scenarios = List.copyOf(scenarios);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads, checks and tests the set the node of {@code configFile} would run now.
     *
     * @param home the installation directory (profiles/, rules/, routes/, the profile's scenarios)
     * @throws ReloadException with every problem found: the configuration's errors ({@code FILE:LINE}),
     *                         else the profile's, the rules', the routes' and the rules' names of actions
     *                         and commands no route carries ({@code FILE:LINE}), else what the rules did
     *                         when booted, else each scenario expectation that failed (the scenario's
     *                         {@code FILE:LINE}, the expectation and what the node was instead)
     */
    public static Candidate build(Path home, Path configFile) {
        NodeConfig c;
        try {
            c = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            throw new ReloadException(e.errors().stream().map(Object::toString).toList());
        }
        Assembly a;
        try {
            a = Assembly.of(home, c);
        } catch (ProfileException e) {
            throw new ReloadException(e.problems());
        }
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        RuleSet rules = null;
        try {
            rules = a.compileRules();
        } catch (RulesException e) {
            problems.addAll(e.problems());
        }
        // the beans a running node binds, made for the check over inert ports, as tandem check makes them
        problems.addAll(a.checkRoutes(rules).problems());
        if (rules != null) {
            CatalogueCheck.Outcome names = a.checkCatalogue(rules.files());
            problems.addAll(names.errors());
            warnings.addAll(rules.warnings());
            warnings.addAll(names.warnings());
        }
        List<Path> scenarios = scenarioFiles(a, problems);
        if (!problems.isEmpty()) {
            throw new ReloadException(problems);
        }
        problems.addAll(RuleSmoke.run(rules, a.setup(), c.timings().checkInterval().toMillis(),
                a.catalogue().commands().keySet()));
        if (!problems.isEmpty()) {
            throw new ReloadException(problems);
        }
        Assembler assembler = Assembler.running(a, rules);
        for (Path file : scenarios) {
            problems.addAll(test(file, assembler));
        }
        if (!problems.isEmpty()) {
            throw new ReloadException(problems);
        }
        return new Candidate(a, rules, scenarios, warnings);
    }

    /**
     * The scenario files a reload runs: the profile's ({@code scenarios} in its descriptor), then each
     * folder of {@code extensions.scenarios}, each sorted by name. A site folder that is missing is a
     * problem: a reload that silently tested less than the site asked for would prove nothing.
     */
    static List<Path> scenarioFiles(Assembly a, List<String> problems) {
        List<Path> files = new ArrayList<>();
        try {
            files.addAll(a.profile().scenarioFiles());
        } catch (ProfileException e) {
            problems.addAll(e.problems());
        }
        NodeConfig c = a.config();
        for (Path dir : c.extensions().scenarios()) {
            if (!Files.isDirectory(dir)) {
                problems.add(c.file() + ": extensions.scenarios: " + dir + ": scenario folder does not exist");
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                files.addAll(s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p))
                        .sorted().toList());
            } catch (IOException e) {
                problems.add(dir + ": cannot list the scenario folder: " + e.getMessage());
            }
        }
        return files;
    }

    /** Runs one scenario with the candidate's set; what failed, one line each, or nothing when it passed. */
    static List<String> test(Path file, Assembler assembler) {
        Simulation.Result r;
        try {
            Scenario s = ScenarioParser.load(file);
            r = Simulation.prepare(s, assembler).run(e -> { });
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

    /** The node as the candidate assembles it: its configuration, profile, folders, catalogue. */
    public Assembly assembly() {
        return assembly;
    }

    /** The configuration as read for this candidate. */
    public NodeConfig config() {
        return assembly.config();
    }

    public RuleSet rules() {
        return rules;
    }

    /** The route folders, in load order. */
    public List<Path> routeFolders() {
        return assembly.routeFolders();
    }

    /** The route files of {@link #routeFolders()}, in load order. */
    public List<Path> routeFiles() {
        return routeFiles;
    }

    /** The actions and commands the candidate's routes carry. */
    public Catalogue catalogue() {
        return assembly.catalogue();
    }

    /** The scenario files it passed, in the order they ran. */
    public List<Path> scenarios() {
        return scenarios;
    }

    /** What {@code tandem check} would warn of in this set (copies of a decision, routes nothing uses). */
    public List<String> warnings() {
        return warnings;
    }
}
