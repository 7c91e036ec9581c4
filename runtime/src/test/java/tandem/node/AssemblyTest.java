package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tandem.actions.Await;
import tandem.os.Commands;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.RuleSet;
import tandem.routes.Catalogue;
import tandem.routes.CatalogueCheck;
import tandem.routes.LoadedRoutes;
import tandem.routes.RuleUses;

/** A node assembled from its profile: the shipped catalogue against the shipped rules, and one wiring for run and check. */
class AssemblyTest {

    private static Assembly sample(String profile) {
        return Assembly.of(ClusterAwait.home(),
                ConfigLoader.load(ClusterAwait.home().resolve("samples").resolve(profile).resolve("node1.yaml")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms-failover", "sbs"})
    void everyActionAndCommandTheShippedRulesNameHasARouteAndEveryShippedRouteIsUsed(String profile) {
        Assembly node = sample(profile);
        RuleSet rules = node.compileRules();
        List<RuleUses.Use> uses = RuleUses.scan(rules.files());

        Set<String> actionsNamed = new TreeSet<>();
        Set<String> commandsAnswered = new TreeSet<>();
        uses.forEach(u -> (u.kind() == RuleUses.Kind.ACTION ? actionsNamed : commandsAnswered).add(u.name()));
        assertThat(actionsNamed).isEqualTo(new TreeSet<>(node.catalogue().actions().keySet()));
        // every command the rules answer, that is all but those a bean of their own answers (reload)
        assertThat(commandsAnswered).isEqualTo(new TreeSet<>(node.catalogue().commands().values().stream()
                .filter(c -> !c.answeredByOwnBean()).map(tandem.routes.Catalogue.Command::name).toList()));
        assertThat(node.catalogue().commands().values()).filteredOn(tandem.routes.Catalogue.Command::answeredByOwnBean)
                .extracting(tandem.routes.Catalogue.Command::name).containsExactly("reload");

        CatalogueCheck.Outcome out = node.checkCatalogue(rules.files());
        assertThat(out.errors()).isEmpty();
        assertThat(out.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms-failover", "sbs"})
    void checkLoadsEveryRouteWithTheBeansARunningNodeBinds(String profile) {
        Assembly node = sample(profile);

        Assembly.RoutesChecked checked = node.checkRoutes(node.compileRules());

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.routes()).isGreaterThan(node.catalogue().actions().size() + node.catalogue().commands().size());
    }

    private static Assembly redundancy(String node) {
        return Assembly.of(ClusterAwait.home(),
                ConfigLoader.load(ClusterAwait.home().resolve("samples/redundancy").resolve(node + ".yaml")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"active", "standby"})
    void aRedundancyNodeAnswersEveryCommandAndNamesNoActionWithoutARoute(String name) {
        Assembly node = redundancy(name);
        RuleSet rules = node.compileRules();
        List<RuleUses.Use> uses = RuleUses.scan(rules.files());

        Set<String> actionsNamed = new TreeSet<>();
        Set<String> commandsAnswered = new TreeSet<>();
        uses.forEach(u -> (u.kind() == RuleUses.Kind.ACTION ? actionsNamed : commandsAnswered).add(u.name()));
        assertThat(commandsAnswered).isEqualTo(new TreeSet<>(node.catalogue().commands().values().stream()
                .filter(c -> !c.answeredByOwnBean()).map(tandem.routes.Catalogue.Command::name).toList()));
        assertThat(commandsAnswered).contains("switchover", "start", "stop", "swap", "force-start", "sync");
        assertThat(actionsNamed).contains("mail-phones-restart", "vip-up", "start-services", "stop-services");

        CatalogueCheck.Outcome out = node.checkCatalogue(rules.files());
        assertThat(out.errors()).isEmpty();
        // the pairs' actions (fencing, the forwarded swap, replication) are in routes/pair, not loaded here
        assertThat(out.warnings()).isEmpty();
        assertThat(node.catalogue().actions()).doesNotContainKeys("fence-peer", "forward-swap", "resync", "sync",
                "final-sync");
        Assembly.RoutesChecked checked = node.checkRoutes(rules);
        assertThat(checked.problems()).isEmpty();
    }

    @Test
    void aStandbyProbesItsActivesAddressAndSshPortAsResourcesOfItsOwn() {
        Assembly standby = redundancy("standby");
        Assembly active = redundancy("active");

        assertThat(standby.setup().resources()).containsKeys("ping.active", "tcp.active-ssh");
        assertThat(tandem.checks.Checks.of(standby.config(), (argv, timeout) -> null))
                .extracting(tandem.checks.Check::resource).containsSubsequence("ping.active", "tcp.active-ssh");
        assertThat(active.setup().resources()).doesNotContainKeys("ping.active", "tcp.active-ssh");
        assertThat(tandem.checks.Checks.of(active.config(), (argv, timeout) -> null)).isEmpty();
    }

    @Test
    void lanesAreDeclaredByTheRoutesGroups() {
        Catalogue c = sample("sbs").catalogue();

        assertThat(c.lanes()).containsExactly("actions", "sync");
        assertThat(c.action("final-sync")).hasValueSatisfying(a -> assertThat(a.lane()).isEqualTo("sync"));
        assertThat(c.action("mail-takeover")).hasValueSatisfying(a -> {
            assertThat(a.lane()).isEqualTo("actions");
            assertThat(a.file()).isEqualTo(ClusterAwait.home().resolve("routes/sbs/mail.camel.yaml"));
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void commandsFromTheApiGoThroughTheirRoutesAndActionsThroughTheirLanes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "assembly-test-secret-0123456789\n");
        Path file = dir.resolve("node1.yaml");
        Files.writeString(file, """
                node: {id: node1, profile: ms-failover, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %d}
                peer: {id: node2, address: 127.0.0.1, port: %d}
                timings: {heartbeat-interval: 1s, check-interval: 1s, failover-timeout: 60s}
                console: {address: 127.0.0.1, port: %d}
                replication: {port: %d, peer-port: %d}
                # a site command that takes arguments: standby-import --file F --confirm
                extensions: {rules: [site-rules], routes: [site-routes]}
                """.formatted(freePort(), freePort(), freePort(), freePort(), freePort()));
        copy("/tandem/commands/rules/standby-import.drl", dir.resolve("site-rules"));
        copy("/tandem/commands/routes/standby-import.camel.yaml", dir.resolve("site-routes"));
        NodeConfig c = ConfigLoader.load(file);
        Assembly node = Assembly.of(ClusterAwait.home(), c);
        // the machine of this test: every OS command is recorded and fails, so its result is worth a log line
        List<String> ran = new CopyOnWriteArrayList<>();
        Commands machine = (argv, timeout) -> {
            ran.add(String.join(" ", argv));
            return new Commands.Result(3, "", "not on this machine", false);
        };
        Ports inert = Ports.inert(c);
        Ports ports = new Ports(machine, dir.resolve("logs"), Optional.empty(), inert.peer(), inert.sync(), () -> null,
                Map::of);
        try (Wiring wiring = node.wire(ports, node.compileRules()); LoadedRoutes routes = node.loadRoutes(wiring)) {
            wiring.loop().start();
            routes.start();
            wiring.attach(node, routes);
            ApiBean api = (ApiBean) wiring.beans().get("api");
            String auth = "Bearer " + new tandem.node.ApiTokens(c.node().stateDir()).create("test");

            ApiBean.Response off = api.command(auth, "{\"name\": \"boot-start-off\"}");

            assertThat(off.code()).as(off.json()).isEqualTo(200);
            assertThat(off.json()).contains("\"accepted\":true").contains("(api)");
            ManagedCamelContext managed = routes.context().getCamelContextExtension()
                    .getContextPlugin(ManagedCamelContext.class);
            assertThat(managed.getManagedRoute("command-boot-start-off").getExchangesCompleted()).isEqualTo(1);
            // the rule's action went to its lane and route, the boot bean ran the OS command, and the
            // failed result came back to the engine
            Await.until(Duration.ofSeconds(10), "the action's result in the engine's events", () ->
                    wiring.events().recent().stream().anyMatch(e -> e.text().startsWith("action boot-start-off failed: ")));
            assertThat(ran).containsExactly("systemctl disable tandem@node1.service");
            assertThat(managed.getManagedRoute("action-boot-start-off").getExchangesCompleted()).isEqualTo(1);
            assertThat(managed.getManagedRoute("lane-actions").getExchangesCompleted()).isEqualTo(1);

            ApiBean.Response unknown = api.command(auth, "{\"name\": \"reboot\"}");

            assertThat(unknown.code()).isEqualTo(404);
            assertThat(unknown.json()).contains("unknown command \\\"reboot\\\"; known: start, stop, swap, boot-start-on,"
                    + " boot-start-off, force-start, sync, test-mail, reload, standby-import");

            // the arguments go through the route to the rule, which reads them
            ApiBean.Response imported = api.command(auth,
                    "{\"name\": \"standby-import\", \"args\": {\"file\": \"/var/backup/full.tar\", \"confirm\": \"true\"}}");
            ApiBean.Response unconfirmed = api.command(auth,
                    "{\"name\": \"standby-import\", \"args\": {\"file\": \"/var/backup/full.tar\"}}");

            assertThat(imported.code()).as(imported.json()).isEqualTo(200);
            assertThat(imported.json()).contains("\"reason\":\"importing /var/backup/full.tar\"",
                    "\"rule\":\"Standby import goes ahead once confirmed\"");
            assertThat(unconfirmed.code()).as(unconfirmed.json()).isEqualTo(409);
            assertThat(unconfirmed.json()).contains("confirm it with --confirm (api)");
            assertThat(wiring.events().recent()).extracting(EventLog.Entry::text)
                    .contains("command standby-import (file=/var/backup/full.tar, confirm) from api");

            // arguments not of the shape a command takes: 400, naming the field; nothing reaches the route
            long routed = managed.getManagedRoute("command-standby-import").getExchangesCompleted();
            assertThat(api.command(auth, "{\"name\": \"standby-import\", \"args\": {\"File\": \"x\"}}"))
                    .satisfies(r -> assertThat(r.code()).isEqualTo(400))
                    .satisfies(r -> assertThat(r.json()).contains("args: argument \\\"File\\\": a name is lower-case letters"));
            assertThat(api.command(auth, "{\"name\": \"standby-import\", \"args\": {\"confirm\": true}}"))
                    .satisfies(r -> assertThat(r.code()).isEqualTo(400))
                    .satisfies(r -> assertThat(r.json()).contains("args.confirm: the value must be a string"));
            assertThat(api.command(auth, "{\"name\": \"standby-import\", \"args\": [\"confirm\"]}"))
                    .satisfies(r -> assertThat(r.code()).isEqualTo(400))
                    .satisfies(r -> assertThat(r.json()).contains("args: expected an object"));
            assertThat(api.command(auth, "{\"name\": \"standby-import\", \"arguments\": {}}"))
                    .satisfies(r -> assertThat(r.code()).isEqualTo(400))
                    .satisfies(r -> assertThat(r.json()).contains("arguments: unknown field"));
            StringBuilder many = new StringBuilder("{\"name\": \"standby-import\", \"args\": {");
            for (int i = 0; i < 17; i++) {
                many.append(i == 0 ? "" : ", ").append("\"a").append(i).append("\": \"v\"");
            }
            assertThat(api.command(auth, many.append("}}").toString()))
                    .satisfies(r -> assertThat(r.code()).isEqualTo(400))
                    .satisfies(r -> assertThat(r.json()).contains("too many arguments: 17, at most 16"));
            assertThat(managed.getManagedRoute("command-standby-import").getExchangesCompleted()).isEqualTo(routed);

            // JMX: the overload takes the arguments as one string, "file=F,confirm" or a JSON object
            NodeMBean.register(c, wiring.loop(), wiring.commands());
            try {
                javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
                javax.management.ObjectName mbean = NodeMBean.name(c);
                String[] two = {String.class.getName(), String.class.getName()};
                assertThat(server.invoke(mbean, "command", new Object[] {"standby-import", "file=/var/backup/a.tar,confirm"}, two))
                        .asString().matches("accepted: importing /var/backup/a.tar \\(ticket \\d+, no action\\)");
                assertThat(server.invoke(mbean, "command",
                        new Object[] {"standby-import", "{\"file\": \"/var/backup/a,b.tar\", \"confirm\": \"true\"}"}, two))
                        .asString().matches("accepted: importing /var/backup/a,b.tar \\(ticket \\d+, no action\\)");
                assertThat((String) server.invoke(mbean, "command", new Object[] {"standby-import", ""}, two))
                        .startsWith("refused: standby-import overwrites this node's data");
                assertThat(server.invoke(mbean, "command", new Object[] {"standby-import"}, new String[] {String.class.getName()}))
                        .asString().startsWith("refused: standby-import overwrites this node's data");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.invoke(mbean, "command",
                                new Object[] {"standby-import", "file=a,File=b"}, two))
                        .hasRootCauseInstanceOf(IllegalArgumentException.class)
                        .rootCause().hasMessageStartingWith("argument \"File\": a name is lower-case letters");
            } finally {
                NodeMBean.unregister(c);
            }
        }
    }

    private static void copy(String resource, Path folder) throws Exception {
        Files.createDirectories(folder);
        try (var in = AssemblyTest.class.getResourceAsStream(resource)) {
            Files.copy(in, folder.resolve(Path.of(resource).getFileName().toString()));
        }
    }
}
