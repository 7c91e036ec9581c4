package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;

/**
 * The redundancy profile's switchover on a network, as on a site (RED-9, RED-10's address): two real
 * {@code tandem run} processes in network namespaces, the active on 10.215.0.1 and the standby on
 * 10.215.0.2, with a client on 10.215.0.100, all plugged into one bridge ({@link NetnsLab}). Each node's
 * managed service is {@code DemoApp} on port 8080 answering its node's name, so what the client reaches
 * on the active's address says which appliance serves it. The active's SSH is a TCP listener on its
 * port 2222 (the standby probes it as the manual's "SSH port"). The active's Tandem is killed by its pid:
 * while its host still answers ping and SSH the switchover is refused; once the host is off (its link
 * down) for {@code down-for}, the confirmed switchover is granted, the standby takes over 10.215.0.1
 * and the client reaches the standby's service there. Needs root, {@code ip netns}, curl and iputils
 * arping; skipped otherwise.
 */
class NetnsRedundancyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int API_PORT = 9010;
    private static final int APP_PORT = 8080;
    private static final int SSH_PORT = 2222;

    @TempDir
    Path dir;

    private NetnsLab lab;
    private tandem.config.Secret secret;

    /** A command-line token for one request, as tandem status and tandem command make them. */
    private String token() {
        return ApiAuth.mint(secret, "test", System.currentTimeMillis());
    }

    @BeforeEach
    void lab() throws IOException {
        assumeTrue(!System.getProperty("os.name", "").toLowerCase().contains("win"), "Linux only");
        assumeTrue(NetnsLab.usable(), "needs root, ip netns, curl, arping and timeout");
        lab = new NetnsLab("tnr-", 215);
        lab.build();
    }

    @AfterEach
    void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private String address(int node) {
        return lab.subnet + node;
    }

    /** The service both nodes manage: DemoApp answering {@code name} on every address of its namespace. */
    private static String service(String name) {
        return """
                services:
                  - name: app
                    type: process
                    command: '"%s" -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "%s" tandem.demo.DemoApp --name %s --port %d --bind 0.0.0.0'
                    start-timeout: 20s
                    stop-timeout: 5s
                """.formatted(java(), System.getProperty("java.class.path"), name, APP_PORT);
    }

    private static final String COMMON = """
            cluster:
              name: netns-redundancy
              secret: ${file:cluster.secret}
            timings:
              heartbeat-interval: 200ms
              check-interval: 200ms
              failover-timeout: 2s
            console:
              address: 127.0.0.1
              port: %d
            """.formatted(API_PORT);

    private Path activeConfig() throws IOException {
        Path f = dir.resolve("active.yaml");
        Files.writeString(f, """
                # written by NetnsRedundancyTest
                node:
                  id: active
                  profile: redundancy
                  state-dir: state/active
                listen:
                  address: %s
                  port: 7403
                peer:
                  id: standby
                  address: %s
                  port: 7403
                %s%sredundancy:
                  role: active
                  license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  backup: {command: "backup {file}", folder: backups}
                  schedule: {unit: days, every: 1, start-date: 24.12.2026, start-time: "02:30"}
                  standby: {address: %s, password: secret, folder: /tmp/incoming, import-command: "import {file}"}
                """.formatted(address(1), address(2), COMMON, service("active"), address(2)));
        ConfigLoader.load(f);
        return f;
    }

    private Path standbyConfig() throws IOException {
        Path f = dir.resolve("standby.yaml");
        Files.writeString(f, """
                # written by NetnsRedundancyTest
                node:
                  id: standby
                  profile: redundancy
                  state-dir: state/standby
                listen:
                  address: %s
                  port: 7403
                peer:
                  id: active
                  address: %s
                  port: 7403
                vip:
                  address: %s/24
                  interface: eth0
                %s%sredundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  import: {command: "import {file}", folder: incoming}
                  switchover:
                    down-for: 5s
                    active-address: %s
                    active-ssh-port: %d
                    checklist: [Move the ISDN lines]
                """.formatted(address(2), address(1), address(1), COMMON, service("standby"), address(1), SSH_PORT));
        ConfigLoader.load(f);
        return f;
    }

    private Process startNode(String ns, Path config) throws IOException {
        return lab.start(ns, List.of(java(), "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dtandem.home=" + ClusterAwait.home(), "-cp", System.getProperty("java.class.path"), "tandem.cli.Main",
                "run", "--config", config.toString()), dir.resolve(config.getFileName().toString().replace(".yaml", ".out")));
    }

    /** The node's /api/status, asked inside its namespace, or empty when it does not answer. */
    private Optional<JsonNode> status(String ns) {
        try {
            NetnsLab.Result r = lab.in(ns, List.of("curl", "-s", "-m", "2", "-H", "Authorization: Bearer " + token(),
                    "http://127.0.0.1:" + API_PORT + "/api/status"));
            return r.code() == 0 && !r.out().isBlank() ? Optional.of(JSON.readTree(r.out())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** "ALONE uptodate", ... or "down". */
    private String state(String ns) {
        return status(ns).map(s -> s.path("node").path("state").asText() + " " + s.path("node").path("data").asText())
                .orElse("down");
    }

    /** POST /api/command inside {@code ns}: the JSON answer with the HTTP code in field {@code code}. */
    private JsonNode command(String ns, String body) throws IOException {
        NetnsLab.Result r = lab.in(ns, List.of("curl", "-s", "-m", "8", "-w", "\n%{http_code}", "-H",
                "Authorization: Bearer " + token(), "-H", "Content-Type: application/json", "--data", body,
                "http://127.0.0.1:" + API_PORT + "/api/command"));
        String out = r.out().strip();
        int nl = out.lastIndexOf('\n');
        if (r.code() != 0 || nl < 0) {
            return JSON.createObjectNode().put("code", -1).put("out", out);
        }
        return ((ObjectNode) JSON.readTree(out.substring(0, nl))).put("code", Integer.parseInt(out.substring(nl + 1).strip()));
    }

    /** What the client reaches on {@code host}:8080 (the serving node's name), or "-" when nothing answers. */
    private String reach(String host) {
        try {
            NetnsLab.Result r = lab.in(lab.client, List.of("curl", "-s", "-m", "1", "http://" + host + ":" + APP_PORT + "/"));
            return r.code() == 0 ? r.out().strip() : "-";
        } catch (IOException e) {
            return "-";
        }
    }

    private boolean holds(String ns, String address) {
        try {
            return lab.in(ns, List.of("ip", "-o", "addr", "show", "dev", "eth0")).out().contains("inet " + address + "/");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code done} every 200 ms for at most {@code limit}; fails with both nodes' state and log tails. */
    private void await(String what, Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                StringBuilder sb = new StringBuilder("no " + what + " within " + limit.toSeconds() + " s; active "
                        + state(lab.node1) + ", standby " + state(lab.node2) + "; the standby's resources: "
                        + status(lab.node2).map(s -> s.path("resources").toString()).orElse("(no status)"));
                for (String id : List.of("active", "standby")) {
                    try {
                        sb.append("\n--- ").append(id).append(".out (tail)\n");
                        List<String> lines = Files.readAllLines(dir.resolve(id + ".out"));
                        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
                    } catch (IOException e) {
                        sb.append("(no output)\n");
                    }
                }
                throw new AssertionError(sb.toString());
            }
            LockSupport.parkNanos(200_000_000L);
        }
    }

    @Test
    void theStandbyTakesOverTheActivesAddressAfterAConfirmedSwitchoverAndTheClientReachesIt() throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "netns-redundancy-secret-" + NetnsLab.PID + "\n");
        Path active = activeConfig();
        Path standby = standbyConfig();
        secret = ConfigLoader.load(active).cluster().secret();
        String activeAddress = address(1);
        // the active's "SSH": a TCP listener on its port 2222, a process of this test
        lab.start(lab.node1, List.of(java(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "tandem.demo.DemoApp", "--name", "active-ssh", "--port",
                String.valueOf(SSH_PORT), "--bind", "0.0.0.0"), dir.resolve("active-ssh.out"));
        // the standby first: the active then hears that it has not switched over and runs its modules
        startNode(lab.node2, standby);
        await("the standby SECOND", Duration.ofSeconds(90), () -> state(lab.node2).startsWith("SECOND "));
        Process activeNode = startNode(lab.node1, active);
        await("the active ALONE", Duration.ofSeconds(90), () -> state(lab.node1).startsWith("ALONE "));
        await("the client served by the active on its address", Duration.ofSeconds(30),
                () -> reach(activeAddress).equals("active"));
        assertThat(holds(lab.node2, activeAddress)).as("the standby does not hold the active's address").isFalse();
        await("the standby's probes of the active up", Duration.ofSeconds(30), () -> {
            String resources = status(lab.node2).map(s -> s.path("resources").toString()).orElse("");
            // the status lists resources in no promised order
            return resources.contains("{\"resource\":\"ping.active\",\"status\":\"up\"")
                    && resources.contains("{\"resource\":\"tcp.active-ssh\",\"status\":\"up\"");
        });

        JsonNode running = command(lab.node2, "{\"name\": \"switchover\", \"args\": {\"confirm\": \"true\"}}");
        assertThat(running.path("code").asInt()).as(running.toString()).isEqualTo(409);
        assertThat(running.toString()).contains("the active is not completely down: heartbeat last heard");

        // the active's Tandem dies (its modules end with it); its host still answers ping and SSH
        String pid = String.valueOf(activeNode.pid());
        assertThat(new ProcessBuilder("kill", "-KILL", pid).start().waitFor()).isZero();
        assertThat(activeNode.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await("a refusal that names the ping and the SSH port", Duration.ofSeconds(30), () -> {
            try {
                String r = command(lab.node2, "{\"name\": \"switchover\", \"args\": {\"confirm\": \"true\"}}").toString();
                return r.contains("\"code\":409") && r.contains("the active is not completely down")
                        && r.contains("ping answers") && r.contains("ssh answers") && !r.contains("heartbeat last heard");
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(state(lab.node2)).startsWith("SECOND ");
        assertThat(holds(lab.node2, activeAddress)).isFalse();

        // the active's host goes off: nothing of it answers any more
        lab.link(1, false);
        await("the switchover waiting for the confirmation once the active is down for down-for",
                Duration.ofSeconds(30), () -> {
                    try {
                        return command(lab.node2, "{\"name\": \"switchover\"}").toString()
                                .contains("the active has been completely down for");
                    } catch (IOException e) {
                        return false;
                    }
                });
        JsonNode granted = command(lab.node2, "{\"name\": \"switchover\", \"args\": {\"confirm\": \"true\"}}");
        assertThat(granted.path("code").asInt()).as(granted.toString()).isEqualTo(200);
        assertThat(granted.toString()).contains("taking over its address " + activeAddress);

        await("the standby ALONE holding " + activeAddress, Duration.ofSeconds(30),
                () -> state(lab.node2).startsWith("ALONE ") && holds(lab.node2, activeAddress));
        await("the client served by the standby on the active's address", Duration.ofSeconds(30),
                () -> reach(activeAddress).equals("standby"));
        NetnsLab.Result ping = lab.in(lab.client, List.of("ping", "-c", "1", "-W", "2", activeAddress));
        assertThat(ping.code()).as(ping.out()).isZero();
        assertThat(holds(lab.node1, activeAddress)).as("the active's host keeps its address, off the network").isTrue();
    }
}
