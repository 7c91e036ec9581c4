package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tandem.config.ConfigException;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
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
        try {
            rules = RuleSet.compile(RuleSet.folders(home, profile, c.extensions().rules()));
            problems.addAll(RuleSmoke.run(rules, Setups.of(c), c.timings().checkInterval().toMillis(),
                    tandem.engine.Commands.KNOWN));
        } catch (RulesException e) {
            problems.addAll(e.problems());
        }
        RouteCheck.Outcome routes = RouteCheck.check(home, c);
        problems.addAll(routes.problems());
        if (!problems.isEmpty()) {
            Main.printAll(err, problems);
            err.println(configFile + ": " + problems.size() + " error(s)");
            return 1;
        }
        out.println(configFile + ": ok, node " + c.node().id() + " (profile " + profile + ", peer " + c.peer().id() + ")");
        out.println("rules: " + rules.files().size() + " files, " + rules.ruleCount() + " rules");
        out.println("routes: " + routes.files() + " files, " + routes.routes() + " routes");
        out.println(standbyWrites(c.replication()));
        return 0;
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
