package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.cli.Main;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/**
 * {@code tandem command reload} on a live pair of {@code tandem run} processes: the primary takes a
 * changed site rule without a restart and stays primary with its peer; a rule that does not compile and
 * a rule that breaks one of the profile's scenarios are refused with the reason, and the node goes on
 * with the set it ran.
 */
class ReloadNodesTest {
    /** The site's command, carried by its own route. */
    private static final String MAINTENANCE_ROUTE = """
            - route:
                id: command-maintenance
                description: "Operator command: maintenance"
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:command-maintenance
                  steps:
                    - bean:
                        ref: commands
                        method: "submit('maintenance', ${header.origin})"
            """;
    private static final String HEADER = "package site;\nimport tandem.facts.*;\n";
    private static final String REFUSES = HEADER + """
            rule "Site: maintenance is not allowed yet"
            when
                OperatorCommand(name == "maintenance")
            then
                insert(Decision.by(drools).refuses("maintenance").because("not allowed here yet"));
            end
            """;
    private static final String ACCEPTS = HEADER + """
            rule "Site: maintenance is noted"
            when
                OperatorCommand(name == "maintenance")
            then
                insert(Decision.by(drools).accepts("maintenance").because("maintenance noted; the roles stay"));
            end
            """;
    /** Compiles, but marks a secondary's copy not uptodate as it takes over: primary-crash.yaml expects otherwise. */
    private static final String DISTRUSTS = ACCEPTS + """
            rule "Site: a secondary distrusts its copy when the primary falls silent"
                salience 100
            when
                LocalNode(state == NodeState.SECOND, uptodate)
                PeerSilent()
            then
                insert(Decision.by(drools).data(DataState.NOT_UPTODATE).because("site: distrust the copy"));
            end
            """;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        ClusterAwait.await(cluster, what, limit, 50, done);
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Cli command(Node n, String name) {
        return cli("command", name, "--config", n.config().toString());
    }

    @Test
    void thePrimaryTakesAChangedRuleWithoutARestartAndRefusesBrokenOnes(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("site-rules"));
        Path routes = Files.createDirectories(dir.resolve("site-routes"));
        Path site = rules.resolve("site.drl");
        Files.writeString(site, REFUSES);
        Files.writeString(routes.resolve("site.camel.yaml"), MAINTENANCE_ROUTE);
        String extensions = "extensions:\n  rules: [site-rules]\n  routes: [site-routes]\n";
        cluster = new LocalCluster(ClusterAwait.home(), dir, null, null, extensions, extensions);
        Node n1 = cluster.node("node1");
        Node n2 = cluster.other(n1);
        cluster.start(n1);
        cluster.start(n2);
        await("PRIM/SECOND pair", Duration.ofSeconds(60),
                () -> cluster.state(n1).equals("PRIM uptodate") && cluster.state(n2).equals("SECOND uptodate"));
        long pid = n1.process().orElseThrow().pid();
        String since = cluster.status(n1).orElseThrow().path("node").path("since").asText();
        Cli before = command(n1, "maintenance");
        assertThat(before.code()).isEqualTo(1);
        assertThat(before.err()).contains("maintenance refused by node1: not allowed here yet");

        // a changed rule is taken without a restart
        Files.writeString(site, ACCEPTS);
        Cli reload = command(n1, "reload");
        assertThat(reload.code()).as(reload.err()).isZero();
        assertThat(reload.out()).startsWith("reload accepted by node1: ").contains("scenario(s) passed")
                .contains("changed: " + site).contains("site rules: 1 added (\"Site: maintenance is noted\")");
        Cli after = command(n1, "maintenance");
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(after.out()).contains("maintenance accepted by node1: maintenance noted; the roles stay");
        assertThat(n1.process().orElseThrow().pid()).isEqualTo(pid);
        assertThat(cluster.state(n1)).isEqualTo("PRIM uptodate");
        assertThat(cluster.state(n2)).isEqualTo("SECOND uptodate");
        assertThat(cluster.status(n1).orElseThrow().path("node").path("since").asText()).as("no state change").isEqualTo(since);
        assertThat(cluster.app(n1)).contains("node1");

        // a rule that does not compile is refused with its file and line
        Files.writeString(site, ACCEPTS.replace("OperatorCommand(name == \"maintenance\")", "OperatorCommand(name == )"));
        Cli broken = command(n1, "reload");
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.err()).startsWith("reload refused by node1: " + site + ":5: ");
        assertThat(command(n1, "maintenance").out()).as("the set taken before still runs")
                .contains("maintenance accepted by node1: maintenance noted; the roles stay");

        // a rule that compiles but breaks a scenario of the profile is refused naming the expectation
        Files.writeString(site, DISTRUSTS);
        Cli breaks = command(n1, "reload");
        assertThat(breaks.code()).isEqualTo(1);
        Path crash = ClusterAwait.home().resolve("samples/ms-failover/scenarios/primary-crash.yaml");
        assertThat(breaks.err()).startsWith("reload refused by node1: ").contains(crash + ":")
                .contains("node2 state ALONE data uptodate").contains("but it was ALONE, not uptodate");
        assertThat(command(n1, "maintenance").out()).contains("maintenance accepted by node1");
        assertThat(cluster.state(n1)).isEqualTo("PRIM uptodate");
        assertThat(cluster.state(n2)).isEqualTo("SECOND uptodate");
        assertThat(n1.process().orElseThrow().pid()).isEqualTo(pid);
        assertThat(cluster.status(n1).orElseThrow().path("events").toString()).contains("reloaded: ", "reload refused: ");
    }
}
