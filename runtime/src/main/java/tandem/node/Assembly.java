package tandem.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import tandem.config.NodeConfig;
import tandem.engine.EngineSetup;
import tandem.engine.ProfileSpec;
import tandem.engine.RuleSet;
import tandem.engine.Setups;
import tandem.routes.Catalogue;
import tandem.routes.CatalogueCheck;
import tandem.routes.LoadedRoutes;
import tandem.routes.RouteSet;
import tandem.routes.RoutesException;
import tandem.routes.RuleUses;

/**
 * A node as its profile and configuration make it, assembled in one place: its rule and route folders,
 * the engine's setup, the catalogue of its actions and commands, the values of the routes'
 * placeholders, and ({@link #wire}) its parts and the beans its routes are loaded with. {@code tandem run}
 * wires it over the real {@link Ports}, {@code tandem check} over {@link Ports#inert inert} ones, so both
 * load the same routes with the same beans. Everything here is read from disk when the assembly is made:
 * a new assembly of the same configuration sees edited rules and routes.
 */
public final class Assembly {
    private final Path home;
    private final NodeConfig config;
    private final ProfileSpec profile;
    private final RuleSet.Sources sources;
    private final Folders folders;
    private final EngineSetup setup;
    private final Catalogue catalogue;
    private final Properties properties;

    /** The folders a node's rules and routes come from, in load order. */
    public record Folders(List<Path> rules, List<Path> routes) {
        public Folders {
            rules = List.copyOf(rules);
            routes = List.copyOf(routes);
        }
    }

    private Assembly(Path home, NodeConfig config) {
        this.home = home;
        this.config = config;
        this.profile = ProfileSpec.load(home, config.node().profile().yamlName());
        this.sources = RuleSet.sources(profile, config);
        this.folders = folders(profile, config);
        this.setup = Setups.of(config, profile.transitions());
        this.catalogue = Catalogue.read(folders.routes());
        this.properties = properties(config);
    }

    /**
     * Reads what {@code config} (and its profile's descriptor, under {@code home}) names; compiles and
     * starts nothing.
     *
     * @throws tandem.engine.ProfileException when the profile has no valid descriptor
     */
    public static Assembly of(Path home, NodeConfig config) {
        return new Assembly(home, config);
    }

    /**
     * The rule and route folders of a node: the folders its profile's descriptor lists
     * ({@code profiles/<profile>.yaml}), then the site's {@code extensions.rules} and
     * {@code extensions.routes}. The one place that maps a profile to its folders.
     *
     * @throws tandem.engine.ProfileException when the profile has no valid descriptor
     */
    public static Folders folders(Path home, NodeConfig c) {
        return folders(ProfileSpec.load(home, c.node().profile().yamlName()), c);
    }

    private static Folders folders(ProfileSpec profile, NodeConfig c) {
        List<Path> routes = new ArrayList<>(profile.routeFolders());
        routes.addAll(c.extensions().routes());
        return new Folders(RuleSet.sources(profile, c).folders(), routes);
    }

    /** The values the routes' placeholders take from the node's configuration. */
    public static Properties properties(NodeConfig c) {
        Properties p = new Properties();
        p.setProperty("tandem.check-interval-ms", Long.toString(c.timings().checkInterval().toMillis()));
        p.setProperty("tandem.heartbeat-interval-ms", Long.toString(c.timings().heartbeatInterval().toMillis()));
        p.setProperty("tandem.api.address", c.console().address());
        p.setProperty("tandem.api.port", Integer.toString(c.console().port()));
        p.setProperty("tandem.sync.address", c.listen().address().contains(":") ? "[" + c.listen().address() + "]"
                : c.listen().address());
        p.setProperty("tandem.sync.port", Integer.toString(c.syncPort()));
        p.setProperty("tandem.sync.interval-ms", Long.toString(c.replication().interval().toMillis()));
        // the redundancy profile's transfer attempts (RED-4): the route's redelivery; defaults on a standby,
        // which sends nothing
        var transfer = c.redundancy().flatMap(r -> r.transfer());
        p.setProperty("tandem.redundancy.transfer.redeliveries", Integer.toString(
                transfer.map(t -> t.attempts()).orElse(tandem.config.RedundancyDefaults.ATTEMPTS) - 1));
        p.setProperty("tandem.redundancy.transfer.retry-wait-ms", Long.toString(
                transfer.map(t -> t.retryWait()).orElse(tandem.config.RedundancyDefaults.RETRY_WAIT).toMillis()));
        return p;
    }

    public Path home() {
        return home;
    }

    public NodeConfig config() {
        return config;
    }

    /** The node's profile, as its descriptor says. */
    public ProfileSpec profile() {
        return profile;
    }

    /** What the node's rules are compiled from: the profile's folders, the site's, the rules it switches off. */
    public RuleSet.Sources ruleSources() {
        return sources;
    }

    public List<Path> ruleFolders() {
        return folders.rules();
    }

    public List<Path> routeFolders() {
        return folders.routes();
    }

    public EngineSetup setup() {
        return setup;
    }

    /** The actions, commands and lanes the node's route files carry. */
    public Catalogue catalogue() {
        return catalogue;
    }

    public Properties properties() {
        return properties;
    }

    /** The name of the node's Camel context (and so of its JMX names): {@code tandem-<node id>}. */
    public String contextName() {
        return "tandem-" + config.node().id();
    }

    /**
     * Compiles the rule folders.
     *
     * @throws tandem.engine.RulesException every problem as {@code FILE:LINE: message}
     */
    public RuleSet compileRules() {
        return RuleSet.compile(sources);
    }

    /**
     * Builds the node's parts over {@code ports}; nothing starts. {@code rules} may be null when they did
     * not compile (for {@code check}, which never starts the engine).
     */
    public Wiring wire(Ports ports, RuleSet rules) {
        return new Wiring(this, ports, rules, new SteadyClock());
    }

    /**
     * Loads the node's routes into a context named {@link #contextName}, bound to the wiring's beans;
     * checked, not started.
     *
     * @throws RoutesException every problem as {@code FILE:LINE: message}
     */
    public LoadedRoutes loadRoutes(Wiring wiring) {
        return RouteSet.load(contextName(), folders.routes(), wiring.beans(), properties);
    }

    /** What {@link #checkRoutes} found: the problems, or how many files and routes loaded. */
    public record RoutesChecked(List<String> problems, int files, int routes) {
    }

    /**
     * {@code tandem check}'s route part: the routes loaded with the beans a running node binds, built
     * over inert ports and never started (no engine runs, no port opens, nothing registers in JMX).
     */
    public RoutesChecked checkRoutes(RuleSet rules) {
        try (Wiring wiring = wire(Ports.inert(config), rules); LoadedRoutes routes = loadRoutes(wiring)) {
            return new RoutesChecked(List.of(), RouteSet.files(folders.routes()).size(), routes.routeIds().size());
        } catch (RoutesException e) {
            return new RoutesChecked(e.problems(), 0, 0);
        }
    }

    /**
     * The catalogue against the rules ({@code ruleFiles}, the compiled rule set's files): every action a
     * rule names has its route, every command a rule answers has its route, every lane has its route,
     * every mail template an action route names exists; routes no rule uses are warnings.
     */
    public CatalogueCheck.Outcome checkCatalogue(List<Path> ruleFiles) {
        CatalogueCheck.Outcome out = CatalogueCheck.check(catalogue, RuleUses.scan(ruleFiles), folders.routes());
        List<String> errors = new ArrayList<>(out.errors());
        errors.addAll(MailBean.missingTemplates(catalogue, folders.routes()));
        return new CatalogueCheck.Outcome(errors, out.warnings());
    }
}
