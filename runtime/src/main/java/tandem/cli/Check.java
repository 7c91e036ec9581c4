package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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

/**
 * {@code tandem check --config FILE}: config, rules and routes validated, and the rules' actions and
 * commands against the routes that carry them; nothing started.
 */
final class Check {
    private Check() {
    }

    static int run(Path home, Path configFile, PrintStream out, PrintStream err) {
        NodeConfig c;
        try {
            c = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            e.errors().forEach(x -> err.println(x));
            err.println(configFile + ": " + e.errors().size() + " error(s); rules and routes not checked");
            return 1;
        }
        List<String> problems = new ArrayList<>();
        String profile = c.node().profile().yamlName();
        Assembly node;
        try {
            node = Assembly.of(home, c);
        } catch (ProfileException e) {
            Main.printAll(err, e.problems());
            err.println(configFile + ": " + e.problems().size() + " error(s)");
            return 1;
        }
        Catalogue catalogue = node.catalogue();
        // the routes load without the rules (no engine runs): check them beside the rules' compile, which
        // takes most of check's time, on a thread of their own
        FutureTask<Assembly.RoutesChecked> routeCheck = new FutureTask<>(() -> node.checkRoutes(null));
        Thread routeThread = new Thread(routeCheck, "tandem-check-routes");
        routeThread.setDaemon(true);
        routeThread.start();
        RuleSet rules = null;
        try {
            rules = node.compileRules();
            problems.addAll(RuleSmoke.run(rules, node.setup(), c.timings().checkInterval().toMillis(),
                    catalogue.commands().keySet()));
        } catch (RulesException e) {
            problems.addAll(e.problems());
        }
        Assembly.RoutesChecked routes = routesOf(routeCheck);
        problems.addAll(routes.problems());
        List<String> warnings = new ArrayList<>(secretWarnings(configFile, c));
        if (rules != null) {
            CatalogueCheck.Outcome names = node.checkCatalogue(rules.files());
            problems.addAll(names.errors());
            warnings.addAll(rules.warnings());
            warnings.addAll(names.warnings());
        }
        if (!problems.isEmpty()) {
            Main.printAll(err, problems);
            Main.printAll(err, warnings);
            err.println(configFile + ": " + problems.size() + " error(s)");
            return 1;
        }
        out.println(configFile + ": ok, node " + c.node().id() + " (profile " + profile + ", peer " + c.peer().id() + ")");
        out.println("rules: " + rules.files().size() + " files, " + rules.ruleCount() + " rules");
        if (!c.extensions().rules().isEmpty() || !c.extensions().disableRules().isEmpty()) {
            out.println(siteRules(rules.siteChanges()));
            rules.siteChanges().forEach(change -> out.println("  " + change));
        }
        out.println("routes: " + routes.files() + " files, " + routes.routes() + " routes");
        out.println("actions: " + String.join(", ", catalogue.actions().keySet()) + " (lanes: "
                + String.join(", ", catalogue.lanes()) + ")");
        out.println("commands: " + String.join(", ", catalogue.commands().keySet()));
        warnings.forEach(err::println);
        if (c.redundancy().isEmpty()) { // a redundancy node has no replication: its standby imports backups
            out.println(standbyWrites(c.replication()));
        }
        return 0;
    }

    /** Below this, a cluster secret is called short: it keys every peer-link frame and the command line's API tokens. */
    static final int ADVISED_SECRET_LENGTH = 32;

    /** Warnings about the cluster secret: the shipped samples' secret, or a short one. The value is never shown. */
    static List<String> secretWarnings(Path configFile, tandem.config.NodeConfig c) {
        String s = c.cluster().secret().reveal();
        List<String> w = new ArrayList<>();
        if (s.contains("change-me") || s.startsWith("sample-")) {
            w.add(configFile + ": cluster.secret: warning: this is the shipped samples' secret, which anyone can read;"
                    + " make one for this site (e.g. head -c 32 /dev/urandom | base64 > cluster.secret) and give both"
                    + " nodes the same");
        } else if (s.length() < ADVISED_SECRET_LENGTH) {
            w.add(configFile + ": cluster.secret: warning: " + s.length() + " characters; " + ADVISED_SECRET_LENGTH
                    + " or more random ones are advised (it keys every peer-link frame and the command line's API tokens)");
        }
        return w;
    }

    private static Assembly.RoutesChecked routesOf(FutureTask<Assembly.RoutesChecked> check) {
        try {
            return check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the routes were checked", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How many shipped rules the site replaced and disabled, and how many it added. */
    static String siteRules(List<RuleSet.SiteChange> changes) {
        java.util.Map<RuleSet.SiteChange.Kind, Long> n = changes.stream().collect(
                java.util.stream.Collectors.groupingBy(RuleSet.SiteChange::kind, java.util.stream.Collectors.counting()));
        return "site rules: " + n.getOrDefault(RuleSet.SiteChange.Kind.REPLACED, 0L) + " replaced, "
                + n.getOrDefault(RuleSet.SiteChange.Kind.DISABLED, 0L) + " disabled, "
                + n.getOrDefault(RuleSet.SiteChange.Kind.ADDED, 0L) + " added";
    }

    /**
     * The replication rule as it applies to this config: the active node's folder list decides what
     * is copied (SBS-5), this node's own list where it may write as the standby.
     */
    static String standbyWrites(tandem.config.Replication r) {
        if (r.folders().isEmpty() && r.allowedRoots().isEmpty()) {
            return "replication: no folders and no allowed-roots here, so as the standby this node refuses every folder"
                    + " the active node lists";
        }
        List<String> where = new ArrayList<>();
        if (!r.folders().isEmpty()) {
            where.add("into its own " + r.folders().size() + " folder(s) (path or target)");
        }
        if (!r.allowedRoots().isEmpty()) {
            where.add("inside replication.allowed-roots " + r.allowedRoots().stream().map(Object::toString)
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        return "replication: as the standby this node writes the active node's folders only " + String.join(" and ", where)
                + "; any other folder is refused";
    }
}
