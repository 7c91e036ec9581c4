package tandem.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.node.Assembly;
import tandem.node.Ports;
import tandem.node.Wiring;
import tandem.routes.LoadedRoutes;
import tandem.sim.SimFixtures;

/**
 * The reload bean of a node wired as {@code tandem run} wires it (over inert ports: no OS command runs,
 * no peer): through the route {@code command-reload}, a changed site set is taken with its new command,
 * and a set that does not compile, one whose routes cannot start, and a reload while an action is in
 * flight are refused, the node keeping what it ran.
 */
class ReloadTest {
    /** A site command: its route hands it to the rules, and (at first) a site rule refuses it. */
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
    private static final String REFUSES = """
            package site;
            import tandem.facts.*;
            rule "Site: maintenance is not allowed yet"
            when
                OperatorCommand(name == "maintenance")
            then
                insert(Decision.by(drools).refuses("maintenance").because("not allowed here yet"));
            end
            """;
    private static final String ACCEPTS = """
            package site;
            import tandem.facts.*;
            rule "Site: maintenance is noted"
            when
                OperatorCommand(name == "maintenance")
            then
                insert(Decision.by(drools).accepts("maintenance").because("maintenance noted; nothing moves"));
            end
            """;

    @TempDir
    Path dir;
    private Path rules;
    private Path routesDir;
    private Wiring wiring;
    private LoadedRoutes routes;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void start() throws Exception {
        rules = Files.createDirectories(dir.resolve("site-rules"));
        routesDir = Files.createDirectories(dir.resolve("site-routes"));
        Files.writeString(rules.resolve("site.drl"), REFUSES);
        Files.writeString(routesDir.resolve("site.camel.yaml"), MAINTENANCE_ROUTE);
        Files.writeString(dir.resolve("cluster.secret"), "reload-test-secret-0123456789\n");
        Path config = dir.resolve("solo.yaml");
        Files.writeString(config, """
                node: {id: solo, profile: ms-failover, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %d}
                peer: {id: other, address: 127.0.0.1, port: %d}
                timings: {heartbeat-interval: 100ms, check-interval: 100ms, failover-timeout: 1s, rise: 2, fall: 2}
                console: {address: 127.0.0.1, port: %d}
                replication: {port: %d, peer-port: %d}
                extensions: {rules: [site-rules], routes: [site-routes]}
                """.formatted(freePort(), freePort(), freePort(), freePort(), freePort()));
        NodeConfig c = ConfigLoader.load(config);
        Assembly assembly = Assembly.of(SimFixtures.home(), c);
        wiring = assembly.wire(Ports.inert(c), assembly.compileRules());
        routes = assembly.loadRoutes(wiring);
        // the link never listens here, so the node stays in WAIT: nothing but the commands moves it
        wiring.loop().start();
        routes.start();
        wiring.attach(assembly, routes);
        assertThat(command("maintenance").reason()).isEqualTo("not allowed here yet");
        assertThat(apiStatus()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        if (routes != null) {
            // an action a test left running (a delay) must not hold the test up
            routes.context().getShutdownStrategy().setTimeout(1);
            routes.close();
        }
        if (wiring != null) {
            wiring.close();
        }
    }

    private CommandAnswer command(String name) {
        return wiring.commands().answer(name, "test");
    }

    @Test
    void aChangedSiteSetIsTakenAndSaysWhatChanged() throws Exception {
        Files.writeString(rules.resolve("site.drl"), ACCEPTS);
        Files.writeString(routesDir.resolve("more.camel.yaml"), MAINTENANCE_ROUTE
                .replace("maintenance", "drain").replace("Operator command: drain", "Operator command: drain the node"));
        Files.writeString(rules.resolve("drain.drl"), ACCEPTS.replace("maintenance", "drain"));
        String stateBefore = wiring.loop().status().state().name();
        long sinceBefore = wiring.loop().status().since();

        CommandAnswer answer = command("reload");

        assertThat(answer.accepted()).as(answer.reason()).isTrue();
        assertThat(answer.reason()).contains(" scenario(s) passed")
                .contains("changed: " + rules.resolve("site.drl"))
                .contains("added: " + rules.resolve("drain.drl"))
                .contains("routes: 1 added (command-drain)")
                .contains("commands added: drain");
        assertThat(command("maintenance").reason()).isEqualTo("maintenance noted; nothing moves");
        assertThat(command("drain").accepted()).as("the new command has its route and its rule").isTrue();
        assertThat(wiring.loop().status().state().name()).isEqualTo(stateBefore);
        assertThat(wiring.loop().status().since()).as("no restart, no state change").isEqualTo(sinceBefore);
        assertThat(wiring.events().recent()).anySatisfy(e -> assertThat(e.text()).startsWith("reloaded: "));
        assertThat(apiStatus()).as("the HTTP API, whose routes did not change, still answers").isEqualTo(200);
    }

    /** GET /api/status of the node: its HTTP status code. */
    private int apiStatus() throws Exception {
        NodeConfig c = ConfigLoader.load(dir.resolve("solo.yaml"));
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + c.console().port()
                        + "/api/status")).header("Authorization", "Bearer " + tandem.node.ApiAuth.mint(c.cluster().secret(), "test", System.currentTimeMillis()))
                .timeout(Duration.ofSeconds(10)).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void aRuleThatDoesNotCompileIsRefusedAndTheNodeKeepsItsSet() throws Exception {
        Files.writeString(rules.resolve("site.drl"), ACCEPTS.replace("OperatorCommand(name == \"maintenance\")",
                "OperatorCommand(name == )"));

        CommandAnswer answer = command("reload");

        assertThat(answer.accepted()).isFalse();
        assertThat(answer.reason()).startsWith(rules.resolve("site.drl") + ":5:");
        assertThat(command("maintenance").reason()).as("the running rules").isEqualTo("not allowed here yet");
        assertThat(wiring.events().recent()).anySatisfy(e -> assertThat(e.text()).startsWith("reload refused: "));
    }

    @Test
    void routesThatCannotStartAreRefusedAndTheOldEngineAndRoutesKeepRunning() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Files.writeString(rules.resolve("site.drl"), ACCEPTS);
            Path file = routesDir.resolve("http.camel.yaml");
            Files.writeString(file, """
                    - route:
                        id: site-http
                        description: "An HTTP route on a port that is taken"
                        routeConfigurationId: tandem-errors
                        from:
                          uri: "netty-http:http://127.0.0.1:%d/site"
                          steps:
                            - setBody:
                                constant: site
                    """.formatted(busy.getLocalPort()));

            CommandAnswer answer = command("reload");

            assertThat(answer.accepted()).isFalse();
            assertThat(answer.reason()).startsWith(file + ":1: route \"site-http\" cannot start: ");
            assertThat(routes.context().getRoute("site-http")).isNull();
            assertThat(command("maintenance").reason()).as("the old engine answers").isEqualTo("not allowed here yet");
        }
    }

    @Test
    void aReloadWhileAnActionIsInFlightIsRefusedWithItsName() throws Exception {
        Files.writeString(rules.resolve("hold.drl"), """
                package site;
                import tandem.facts.*;
                rule "Site: hold"
                when
                    OperatorCommand(name == "hold")
                then
                    insert(Decision.by(drools).accepts("hold").act("hold").because("holding"));
                end
                """);
        Files.writeString(routesDir.resolve("hold.camel.yaml"), MAINTENANCE_ROUTE.replace("maintenance", "hold") + """
                - route:
                    id: action-hold
                    description: "An action that takes a minute"
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:action-hold
                      steps:
                        - delay:
                            constant: 60000
                """);
        CommandAnswer first = command("reload");
        assertThat(first.accepted()).as(first.reason()).isTrue();
        assertThat(command("hold").accepted()).isTrue();
        await("the hold action in flight", () -> routes.context().getInflightRepository().size("action-hold") == 1);
        Files.writeString(rules.resolve("site.drl"), ACCEPTS);

        CommandAnswer answer = command("reload");

        assertThat(answer.accepted()).isFalse();
        assertThat(answer.reason()).isEqualTo("the action(s) hold asked for by the running rules have not reported"
                + " back; a reload swaps the routes they run on, so reload once they are done");
        assertThat(command("maintenance").reason()).isEqualTo("not allowed here yet");
    }

    private static void await(String what, BooleanSupplier done) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within 20 s");
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }
}
