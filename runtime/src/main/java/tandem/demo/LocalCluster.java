package tandem.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tandem.config.ConfigLoader;
import tandem.node.ApiAuth;

/**
 * Two real nodes on 127.0.0.1, each a {@code tandem run} process of its own with {@link DemoApp} as its
 * managed service: what {@code tandem demo} shows and what the live-cluster tests drive. Ports are
 * picked free; everything (configs, state, logs) lives in one folder.
 */
public final class LocalCluster implements AutoCloseable {
    /** Short timings: a failover 2 s after the last heartbeat. */
    public static final String TIMINGS = """
            timings:
              heartbeat-interval: 200ms
              check-interval: 200ms
              failover-timeout: 2s
              rise: 2
              fall: 3
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Path dir;
    private final String profile;
    private final tandem.config.Secret secret;
    private final List<Node> nodes = new ArrayList<>();
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private volatile boolean ownSessions;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
    /** How long a node may take to stop after SIGTERM before it is killed. */
    public static final Duration STOP_LIMIT = Duration.ofSeconds(15);

    /**
     * Stops the nodes' processes when this JVM ends without {@link #close()} (Ctrl-C, a killed test run) as
     * {@link #close()} does: SIGTERM, which a node answers like an operator stop, then a bounded wait.
     */
    private final Thread reaper = new Thread(this::stopAll, "tandem-cluster-reaper");

    /** One node: its files, ports and Tandem process. */
    public static final class Node {
        private final String id;
        private final int linkPort;
        private final int apiPort;
        private final int appPort;
        private final int syncPort;
        private Path config;
        private volatile Process process;

        Node(String id) throws IOException {
            this.id = id;
            this.linkPort = freePort();
            this.apiPort = freePort();
            this.appPort = freePort();
            this.syncPort = freePort();
        }

        public String id() {
            return id;
        }

        public Path config() {
            return config;
        }

        public int appPort() {
            return appPort;
        }

        public int linkPort() {
            return linkPort;
        }

        public int apiPort() {
            return apiPort;
        }

        /** The Tandem process, if started and alive. */
        public Optional<Process> process() {
            Process p = process;
            return p != null && p.isAlive() ? Optional.of(p) : Optional.empty();
        }
    }

    /**
     * @param home  the installation directory (rules/, routes/)
     * @param dir   an empty folder for configs, state and logs
     * @param timings1 the {@code timings:} section of node1, null for {@link #TIMINGS}
     * @param timings2 the same for node2 (a different failover timeout makes a settings mismatch, MS-9)
     */
    public LocalCluster(Path home, Path dir, String timings1, String timings2) throws IOException {
        this(home, dir, timings1, timings2, "", "");
    }

    /**
     * @param replication1 extra lines of node1's {@code replication:} section (indented by two spaces),
     *                     e.g. its folders; whichever node is active, its own list decides (SBS-5)
     * @param replication2 the same for node2
     */
    public LocalCluster(Path home, Path dir, String timings1, String timings2, String replication1,
            String replication2) throws IOException {
        this(home, dir, "ms-failover", "", "", timings1, timings2, replication1, replication2);
    }

    /**
     * @param profile the nodes' profile
     * @param node1   extra lines of node1's {@code node:} section (indented by two spaces), e.g. an sbs role
     * @param node2   the same for node2
     */
    public LocalCluster(Path home, Path dir, String profile, String node1, String node2, String timings1,
            String timings2, String replication1, String replication2) throws IOException {
        this.home = home;
        this.profile = profile;
        this.dir = Files.createDirectories(dir);
        Node n1 = new Node("node1");
        Node n2 = new Node("node2");
        nodes.add(n1);
        nodes.add(n2);
        Files.writeString(dir.resolve("cluster.secret"), HexFormat.of().formatHex(new SecureRandom().generateSeed(16)) + "\n");
        // the web console's password: made up for this cluster, its hash (the same on both nodes) in the configs
        this.consolePassword = password();
        this.consoleHash = tandem.config.PasswordHash.create(consolePassword.toCharArray()).text();
        n1.config = write(n1, n2, 100, node1, timings1 == null ? TIMINGS : timings1, replication1);
        n2.config = write(n2, n1, 50, node2, timings2 == null ? TIMINGS : timings2, replication2);
        this.secret = ConfigLoader.load(n1.config).cluster().secret();
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public Path dir() {
        return dir;
    }

    private final String consolePassword;
    private final String consoleHash;

    /** The console user's ({@code admin}) password of this cluster, made up when it was set up. */
    public String consolePassword() {
        return consolePassword;
    }

    /** The web console of a node. */
    public String consoleUrl(Node n) {
        return "http://127.0.0.1:" + n.apiPort() + "/";
    }

    /** Four groups of four letters and digits (about 82 bits), easy to type from a terminal. */
    private static String password() {
        String alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) {
                b.append('-');
            }
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    public Node other(Node n) {
        return nodes.get(0) == n ? nodes.get(1) : nodes.get(0);
    }

    private Path write(Node self, Node peer, int priority, String nodeLines, String timings, String replication)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        String yaml = """
                # written by tandem's LocalCluster (tandem demo, live-cluster tests)
                node:
                  id: %s
                  profile: %s
                  priority: %d
                  state-dir: state/%s
                %scluster:
                  name: demo
                  secret: ${file:cluster.secret}
                listen:
                  address: 127.0.0.1
                  port: %d
                peer:
                  id: %s
                  address: 127.0.0.1
                  port: %d
                  console-port: %d
                %sservices:
                  - name: app
                    type: process
                    command: '"%s" -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "%s" tandem.demo.DemoApp --name %s --port %d'
                    start-timeout: 20s
                    stop-timeout: 5s
                checkers:
                  - {name: app, type: tcp, target: "127.0.0.1:%d"}
                console:
                  address: 127.0.0.1
                  port: %d
                  password-hash: "%s"
                replication:
                  port: %d
                  peer-port: %d
                %s""".formatted(self.id, profile, priority, self.id, nodeLines, self.linkPort, peer.id, peer.linkPort, peer.apiPort, timings, java, cp,
                self.id, self.appPort, self.appPort, self.apiPort, consoleHash, self.syncPort, peer.syncPort, replication);
        Path f = dir.resolve(self.id + ".yaml");
        Files.writeString(f, yaml);
        ConfigLoader.load(f);
        return f;
    }

    /** Starts the node's {@code tandem run} process; its output goes to {@code <dir>/<id>.out}. */
    public void start(Node n) throws IOException {
        start(n, List.of());
    }

    /**
     * Starts every node from now on in a session of its own ({@code setsid}, where the system has it), so
     * that a terminal's Ctrl-C reaches this JVM only and not the nodes and their services directly: this
     * JVM then stops them as an operator stop does ({@link #close()}, from its shutdown hook). The demo's.
     */
    public LocalCluster detachedFromTerminal() {
        this.ownSessions = true;
        return this;
    }

    /** {@link #start(Node)} with extra JVM options before the main class (e.g. a test hook's -D). */
    public void start(Node n, List<String> jvmOptions) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        if (ownSessions && Files.isExecutable(SETSID)) {
            // the started process is no process group leader, so setsid runs the node in place (same pid)
            cmd.add(SETSID.toString());
        }
        cmd.addAll(List.of(java, "-Xms16m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dtandem.home=" + home));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "tandem.cli.Main", "run",
                "--config", n.config.toString()));
        n.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(n.id + ".out").toFile())).start();
    }

    /** {@code kill -9} of the node's Tandem process; its application ends with it. */
    public void kill(Node n) throws InterruptedException {
        Process p = n.process;
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** The node's {@code /api/status}, or empty when it does not answer. */
    public Optional<JsonNode> status(Node n) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.apiPort + "/api/status"))
                    .header("Authorization", "Bearer " + ApiAuth.mint(secret, "demo", System.currentTimeMillis())).timeout(Duration.ofMillis(500)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** State and data state, e.g. "PRIM uptodate", or "down". */
    public String state(Node n) {
        return status(n).map(s -> s.path("node").path("state").asText() + " " + s.path("node").path("data").asText())
                .orElse("down");
    }

    /** What the node's application answers (its node's name), or empty when it does not answer. */
    public Optional<String> app(Node n) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.appPort + "/"))
                    .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body().strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** POST /api/command; the JSON answer with the HTTP code in field {@code code}. */
    public JsonNode command(Node n, String name) throws IOException, InterruptedException {
        return command(n, name, java.util.Map.of());
    }

    /**
     * POST /api/command with arguments ({@code {"confirm": "true"}} for {@code --confirm}); the JSON answer
     * with the HTTP code in field {@code code}.
     */
    public JsonNode command(Node n, String name, java.util.Map<String, String> args) throws IOException,
            InterruptedException {
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode().put("name", name);
        if (!args.isEmpty()) {
            args.forEach(body.putObject("args")::put);
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.apiPort + "/api/command"))
                .header("Authorization", "Bearer " + ApiAuth.mint(secret, "demo", System.currentTimeMillis())).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return ((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(r.body())).put("code", r.statusCode());
    }

    /**
     * Stops both nodes as a service manager would (SIGTERM: each stops like an operator stop, its services
     * stopped, the peer told), killing any that is not gone within {@link #STOP_LIMIT}, with what it started.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the reaper runs anyway
        }
        stopAll();
    }

    private void stopAll() {
        for (Node n : nodes) {
            Process p = n.process;
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
        for (Node n : nodes) {
            Process p = n.process;
            if (p == null) {
                continue;
            }
            List<ProcessHandle> started = p.descendants().toList();
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    started = p.descendants().toList();
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            // what the node started and did not stop (a service left behind by a forced end)
            started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
