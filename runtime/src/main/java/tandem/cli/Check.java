package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tandem.config.ConfigException;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ProfileException;
import tandem.engine.ProfileSpec;
import tandem.engine.RuleSet;
import tandem.engine.RuleSmoke;
import tandem.engine.RulesException;
import tandem.engine.Setups;

/** {@code tandem check --config FILE}: config, rules and routes validated; nothing started. */
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
        RuleSet rules = null;
        RouteCheck.Outcome routes = null;
        try {
            ProfileSpec spec = ProfileSpec.load(home, profile);
            try {
                rules = RuleSet.compile(RuleSet.sources(spec, c));
                problems.addAll(RuleSmoke.run(rules, Setups.of(c, spec.transitions()), c.timings().checkInterval().toMillis()));
            } catch (RulesException e) {
                problems.addAll(e.problems());
            }
            routes = RouteCheck.check(spec, c);
            problems.addAll(routes.problems());
        } catch (ProfileException e) {
            problems.addAll(e.problems());
        }
        if (rules != null) {
            rules.warnings().forEach(err::println);
        }
        if (!problems.isEmpty()) {
            Main.printAll(err, problems);
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
        out.println(standbyWrites(c.replication()));
        return 0;
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
