package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.cli.Main;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/**
 * One node in this JVM whose peer never answers: after the failover timeout it goes ALONE and runs
 * its service. Drives it the ways an operator would: the Tandem MBean, and {@code tandem status} /
 * {@code tandem command} against its HTTP API.
 */
class SingleNodeTest {

    private NodeRuntime node;
    private Path config;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path dir;
    private int noMailPort;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Files.writeString(dir.resolve("cluster.secret"), "single-node-test-secret-0123456789\n");
        config = dir.resolve("solo.yaml");
        Files.writeString(config, """
                node: {id: solo, profile: ms-failover, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %2$d}
                peer: {id: other, address: 127.0.0.1, port: %3$d}
                timings: {heartbeat-interval: 100ms, check-interval: 100ms, failover-timeout: 1s, rise: 2, fall: 2}
                services:
                  - {name: app, type: process, command: "sh -c 'test -f %1$s && exec sleep 600'", stop-timeout: 2s}
                checkers:
                  - {name: app, type: proc, target: sleep}
                console: {address: 127.0.0.1, port: %4$d}
                # the hook runs before the service, which needs what it wrote
                replication: {port: %5$d, peer-port: %6$d, post-takeover: "echo restored > %1$s"}
                # a mail server that is not there: the test mail fails
                mail: {host: 127.0.0.1, port: %7$d, from: solo@example.com, to: ops@example.com}
                """.formatted(dir.resolve("restored"), freePort(), freePort(), freePort(), freePort(), freePort(),
                noMailPort = freePort()));
        NodeConfig c = ConfigLoader.load(config);
        node = NodeRuntime.start(ClusterAwait.home(), c);
        await("ALONE with its service running", Duration.ofSeconds(20),
                () -> node.loop().status().state().name().equals("ALONE")
                        && node.loop().status().activity().name().equals("RUNNING"));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.shutdown(10_000);
        }
    }

    private static void await(String what, Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within " + limit.toSeconds() + " s");
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theMBeanShowsTheNodeAndItsOperationsGoThroughTheRules() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("tandem:type=Node,name=solo");
        assertThat(server.getAttribute(name, "State")).isEqualTo("ALONE");
        assertThat(server.getAttribute(name, "DataState")).isEqualTo("uptodate");
        assertThat(server.getAttribute(name, "PeerState")).isEqualTo("unknown");
        assertThat((String[]) server.getAttribute(name, "Commands")).contains("start", "stop", "swap", "test-mail");
        String[] one = {String.class.getName()};
        assertThat(server.invoke(name, "command", new Object[] {"reboot"}, one))
                .isEqualTo("refused: unknown command \"reboot\"; known: start, stop, swap, boot-start-on, boot-start-off,"
                        + " force-start, sync, test-mail, reload");
        assertThat(server.invoke(name, "command", new Object[] {"start"}, one))
                .isEqualTo("refused: start applies to a stopped node; this node is ALONE");
        assertThat((String) server.invoke(name, "command", new Object[] {"stop"}, one))
                .startsWith("accepted: operator stop (jmx)");
        await("STOP", Duration.ofSeconds(10), () -> node.loop().status().state().name().equals("STOP"));
        // camel-management's MBeans of the same node sit beside it, under the stable context name
        assertThat(server.queryNames(new ObjectName("org.apache.camel:context=tandem-solo,type=routes,*"), null))
                .extracting(n -> n.getKeyProperty("name")).contains("\"command-stop\"", "\"engine-observe\"");
    }

    @Test
    void statusAndCommandTalkToTheRunningNode() {
        Cli status = cli("status", "--config", config.toString());
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("solo", "ALONE", "uptodate", "services running", "never heard", "proc.app", "link.main",
                "Waiting node with current data goes alone when the peer stays silent");

        Cli json = cli("status", "--config", config.toString(), "--json");
        assertThat(json.out()).startsWith("{\"local\":{\"node\":{\"id\":\"solo\"").contains("\"peer\":null");

        Cli refused = cli("command", "swap", "--config", config.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("swap refused by solo: swap needs a running pair");

        // the arguments travel with the command to the engine, which names them (the stop rule reads none)
        Cli stop = cli("command", "stop", "--note", "planned maintenance", "--confirm", "--config", config.toString());
        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(stop.out()).startsWith("stop accepted by solo: operator stop (api)");
        assertThat(cli("status", "--config", config.toString(), "--json").out())
                .containsPattern("\"text\":\"command stop asked through the command line \\(tandem command\\) by [A-Za-z0-9._-]+"
                        + " from 127\\.0\\.0\\.1:\\d+\"");
        assertThat(cli("status", "--config", config.toString(), "--json").out())
                .contains("\"text\":\"command stop (note=planned maintenance, confirm) from api\"");
        await("STOP with the service stopped", Duration.ofSeconds(10),
                () -> node.loop().status().state().name().equals("STOP")
                        && node.loop().status().activity().name().equals("STOPPED"));

        Cli start = cli("command", "start", "--config", config.toString());
        assertThat(start.code()).isZero();
        await("ALONE again", Duration.ofSeconds(10), () -> node.loop().status().state().name().equals("ALONE"));

        Cli unknown = cli("command", "reboot", "--config", config.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("command: solo: unknown command \"reboot\"; known: start, stop, swap,"
                + " boot-start-on, boot-start-off, force-start, sync, test-mail, reload\n");
    }

    @Test
    void commandsReportTheOutcomeOfTheirActionsWhenAskedToWait() throws Exception {
        // the CLI: the test mail's action fails (no mail server there), and the command with it
        Cli mail = cli("command", "test-mail", "--wait", "60", "--config", config.toString());
        assertThat(mail.code()).as(mail.out() + mail.err()).isEqualTo(1);
        assertThat(mail.out()).startsWith("test-mail accepted by solo: ").contains("  mail-test: failed: mail \"");
        assertThat(mail.err()).startsWith("test-mail failed: mail-test failed: mail \"")
                .contains("NOT sent to ops@example.com via 127.0.0.1:" + noMailPort + ": ").endsWith(" (on solo)\n");
        // the commands log and the status's events say what became of it, and who asked
        await("the outcome among the events", Duration.ofSeconds(10), () -> {
            try {
                var events = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(cli("status", "--config", config.toString(), "--json").out()).path("local").path("events");
                for (var e : events) {
                    if (e.path("text").asText().matches("command test-mail failed: mail-test failed: mail .* NOT sent to"
                            + " ops@example.com .*\\(ticket \\d+, from api\\)")) {
                        return true;
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });

        Cli stop = cli("command", "stop", "--wait", "--config", config.toString());
        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("  stop-services: done").contains("stop done: stop-services");
        await("STOP with the service stopped", Duration.ofSeconds(10),
                () -> node.loop().status().state().name().equals("STOP")
                        && node.loop().status().activity().name().equals("STOPPED"));

        // JMX: the same, and the outcome of an earlier command by its ticket
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("tandem:type=Node,name=solo");
        String[] wait = {String.class.getName(), String.class.getName(), int.class.getName()};
        assertThat((String) server.invoke(name, "commandAndWait", new Object[] {"swap", "", 10}, wait))
                .startsWith("refused: ");
        assertThat((String) server.invoke(name, "commandAndWait", new Object[] {"start", "", 60}, wait))
                .startsWith("start done");
        await("ALONE again", Duration.ofSeconds(20), () -> node.loop().status().state().name().equals("ALONE")
                && node.loop().status().activity().name().equals("RUNNING"));
        String accepted = (String) server.invoke(name, "command", new Object[] {"test-mail", ""},
                new String[] {String.class.getName(), String.class.getName()});
        assertThat(accepted).startsWith("accepted: ").contains("(ticket ").endsWith(": mail-test)");
        long ticket = Long.parseLong(accepted.replaceAll(".*\\(ticket (\\d+):.*", "$1"));
        await("the test mail's outcome", Duration.ofSeconds(30), () -> {
            try {
                return ((String) server.invoke(name, "commandOutcome", new Object[] {ticket},
                        new String[] {long.class.getName()})).startsWith("test-mail failed: mail-test failed: ");
            } catch (javax.management.JMException e) {
                throw new AssertionError(e);
            }
        });
        var info = server.getMBeanInfo(name);
        assertThat(info.getOperations()).allSatisfy(op -> assertThat(op.getDescription())
                .doesNotContain("Operation exposed for management"));
        assertThat(info.getAttributes()).allSatisfy(a -> assertThat(a.getDescription())
                .doesNotContain("Attribute exposed for management"));

        // the API: an unknown ticket, a path without one, a wait out of range
        var http = java.net.http.HttpClient.newHttpClient();
        NodeConfig c = ConfigLoader.load(config);
        String token = new ApiTokens(c.node().stateDir()).create("monitor");
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + c.console().port() + path)).header("Authorization", "Bearer " + token).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        var done = get.apply("/api/commands/" + ticket + "?wait=1");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("\"status\":\"failed\"", "\"action\":\"mail-test\"", "\"origin\":\"jmx\"");
        assertThat(get.apply("/api/commands/99999").statusCode()).isEqualTo(404);
        var noTicket = get.apply("/api/commands/latest");
        assertThat(noTicket.statusCode()).isEqualTo(400);
        assertThat(noTicket.body()).contains("path: expected /api/commands/<ticket>");
        var badWait = get.apply("/api/commands/" + ticket + "?wait=600");
        assertThat(badWait.statusCode()).isEqualTo(400);
        assertThat(badWait.body()).contains("wait: seconds from 0 to 10");
    }

    @Test
    void thePostTakeoverHookRunsBeforeTheServicesStart() throws Exception {
        assertThat(dir.resolve("restored")).hasContent("restored");
        // the service exits at once unless the hook's file was there when it started
        await("proc.app up", Duration.ofSeconds(20), () -> node.loop().status().resources().stream()
                .anyMatch(r -> r.resource().equals("proc.app") && r.status().equals("up")));
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        NodeConfig c = ConfigLoader.load(config);
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + c.console().port() + "/api/status"))
                .header("Authorization", "Bearer 00").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("missing, wrong, expired or revoked bearer token");
        assertThat(r.headers().firstValue("Authorization")).isEmpty();
    }

    @Test
    void apiTokensAreMadeListedAndRevokedFromTheCommandLine() throws Exception {
        Cli made = cli("token", "create", "monitor", "--config", config.toString());
        assertThat(made.code()).as(made.err()).isZero();
        String token = made.out().strip();
        assertThat(token).startsWith("tdm_");
        assertThat(made.err()).contains("token for monitor on solo (shown this once");
        var http = java.net.http.HttpClient.newHttpClient();
        NodeConfig c = ConfigLoader.load(config);
        java.util.function.IntSupplier status = () -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                "http://127.0.0.1:" + c.console().port() + "/api/status"))
                        .header("Authorization", "Bearer " + token).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertThat(status.getAsInt()).isEqualTo(200);
        assertThat(status.getAsInt()).as("a user token is used again and again").isEqualTo(200);

        // the metrics, for a scraper with a user's token
        var metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + c.console().port() + "/metrics")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).contains("tandem_node_state{node=\"solo\",state=\"ALONE\"} 1")
                .contains("tandem_node_state{node=\"solo\",state=\"SECOND\"} 0")
                .contains("tandem_data_uptodate{node=\"solo\"} 1")
                .contains("tandem_decisions_total{node=\"solo\",rule=\"Waiting node with current data goes alone when the peer"
                        + " stays silent\"} 1")
                .contains("tandem_actions_total{action=\"start-services\",node=\"solo\",result=\"ok\"} 1")
                .contains("tandem_state_changes_total{from=\"WAIT\",node=\"solo\",to=\"ALONE\"} 1")
                .contains("tandem_link_frames_sent_total{node=\"solo\"}")
                .contains("tandem_replication_copied_bytes_total{node=\"solo\"}");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + c.console().port() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);

        Cli list = cli("token", "list", "--config", config.toString());
        assertThat(list.out()).contains(token.substring(4, 12) + "  monitor  created ").doesNotContain(token);

        Cli revoked = cli("token", "revoke", token.substring(4, 12), "--config", config.toString());
        assertThat(revoked.code()).isZero();
        assertThat(revoked.out()).isEqualTo("revoked " + token.substring(4, 12) + " (monitor) on solo\n");
        assertThat(status.getAsInt()).as("revoked: refused from the next request on").isEqualTo(401);
        assertThat(cli("token", "revoke", "monitor", "--config", config.toString()).code()).isEqualTo(1);
        assertThat(cli("token", "list", "--config", config.toString()).out()).startsWith("no API tokens on solo");

        Cli bad = cli("token", "create", "--config", config.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("tandem token: create takes one name: USER");
    }
}
