package tandem.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tandem.config.ConfigLoader;

/**
 * Two real {@code tandem run} processes of one profile in a {@link FaultLab}, with short timings
 * (100 ms heartbeats), the managed application ({@code DemoApp}, answering its node's name on port
 * 8080, started and stopped by Tandem as a {@code process} service), one replicated folder per node,
 * the virtual IP (ms-failover) and, when asked, the witness.
 *
 * <p>Each node may run under libfaketime (the {@code clock} option) with its own offset file, so a
 * fault can step one node's wall clock while the machine's stays put.
 */
final class Pair implements AutoCloseable {
    static final int API_PORT = 9010;
    static final int APP_PORT = 8080;
    static final Duration HEARTBEAT = Duration.ofMillis(100);
    static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(1);
    static final String LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    final FaultLab lab;
    final String profile;
    final Path dir;
    final boolean witness;
    final boolean clock;
    /** Each node's data volume is a tmpfs of {@link #DISK_BYTES}, so a fault can fill it. */
    final boolean disk;
    static final long DISK_BYTES = 64L << 20;
    private final boolean[] mounted = new boolean[3];
    final String vip;
    private final Process[] nodes = new Process[3];
    private final Path[] configs = new Path[3];
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    /** Each node's API token for the harness (a per-user token: the clock faults shift a node's clock). */
    private final String[] tokens = new String[3];

    Pair(FaultLab lab, String profile, Path dir, boolean witness, boolean clock, boolean disk) {
        this.disk = disk;
        this.lab = lab;
        this.profile = profile;
        this.dir = dir;
        this.witness = witness;
        this.clock = clock;
        this.vip = profile.equals("ms-failover") ? lab.net + "0.50" : null;
    }

    static boolean clockUsable() {
        return Files.isReadable(Path.of(LIBFAKETIME));
    }

    /** Node's data volume: the replicated folder and the writer's scratch folder; a small tmpfs with {@code disk}. */
    Path volume(int node) {
        return dir.resolve("node" + node).resolve("vol");
    }

    /** The replicated folder of node 1 or 2. */
    Path data(int node) {
        return volume(node).resolve("data");
    }

    /** Where the writer prepares a file before renaming it into the data folder (same file system). */
    Path scratch(int node) {
        return volume(node).resolve("scratch");
    }

    Path clockFile(int node) {
        return dir.resolve("node" + node).resolve("faketime");
    }

    Path log(int node) {
        return dir.resolve("node" + node + ".out");
    }

    void write() throws IOException {
        Files.writeString(dir.resolve("cluster.secret"), "fault-suite-secret-" + FaultLab.PID + "\n");
        for (int n = 1; n <= 2; n++) {
            Files.createDirectories(volume(n));
            if (disk) {
                FaultLab.must("mount", "-t", "tmpfs", "-o", "size=" + (DISK_BYTES >> 20) + "m,mode=0755", "tandem-faults",
                        volume(n).toString());
                mounted[n] = true;
                Path vol = volume(n);
                lab.onClose(() -> {
                    try {
                        FaultLab.run(List.of("umount", "-l", vol.toString()));
                    } catch (IOException e) {
                        // nothing more to do
                    }
                });
            }
            Files.createDirectories(data(n));
            Files.createDirectories(scratch(n));
            Files.writeString(clockFile(n), "+0\n");
            configs[n] = config(n);
            ConfigLoader.load(configs[n]);
        }
        for (int n = 1; n <= 2; n++) {
            tokens[n] = new tandem.node.ApiTokens(ConfigLoader.load(configs[n]).node().stateDir()).create("fault-harness");
        }
    }

    private Path config(int n) throws IOException {
        int other = 3 - n;
        String java = Faults.java();
        String app = java + " -Xmx24m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp " + Faults.classPath()
                + " tandem.demo.DemoApp --name node" + n + " --port " + APP_PORT + " --bind 0.0.0.0";
        StringBuilder y = new StringBuilder();
        y.append("""
                # written by the fault suite (tandem.faults): %s, node %d
                node:
                  id: node%d
                  profile: %s
                  priority: %d
                  state-dir: node%d/state
                cluster:
                  name: faults
                  secret: ${file:cluster.secret}
                listen:
                  address: 0.0.0.0
                  port: 7401
                peer:
                  id: node%d
                  address: %s
                  port: 7401
                  second-link: {address: %s, port: 7402}
                timings:
                  heartbeat-interval: %dms
                  check-interval: 100ms
                  failover-timeout: %dms
                  rise: 2
                  fall: 2
                # the suite stops and starts the pair back to back (stop-together: about 45 times a minute),
                # beyond any operator; the loop guard's default (20 of one action a minute) takes that for a
                # rule loop and suspends the secondary's resync (seen: stop-together, seed 1284122)
                rules:
                  loop-guard: {actions: 1000, within: 60s}
                checkers:
                  - {name: lan, type: interface, target: eth0, critical: true}
                services:
                  - {name: app, type: process, command: "%s", stop-timeout: 5s}
                replication:
                  mode: %s
                  interval: %s
                  folders:
                    - {path: node%d/vol/data, target: node%d/vol/data, strict: true}
                console:
                  address: 0.0.0.0
                  port: %d
                  protocol: http
                """.formatted(profile, n, n, profile, n == 1 ? 100 : 50, n, other, lab.lan(other), lab.hb(other),
                HEARTBEAT.toMillis(), FAILOVER_TIMEOUT.toMillis(), app,
                profile.equals("sbs") ? "periodic" : "continuous", profile.equals("sbs") ? "1s" : "5s", n, other,
                API_PORT));
        if (vip != null) {
            y.append("vip: {address: ").append(vip).append("/24, interface: eth0, probe-wait: 100ms}\n");
        }
        if (witness && !profile.equals("sbs")) {
            y.append("witness: {address: ").append(lab.witnessAddress()).append(", port: 0}\n");
        }
        Path f = dir.resolve("node" + n + ".yaml");
        Files.writeString(f, y.toString());
        return f;
    }

    /** Starts node 1 or 2 ({@code tandem run}) in its namespace. */
    void start(int n) throws IOException {
        List<String> env = new ArrayList<>();
        if (clock) {
            env.addAll(List.of("LD_PRELOAD=" + LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE=" + clockFile(n),
                    "FAKETIME_CACHE_DURATION=1", "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_DONT_RESET=1",
                    // without it Java's timed waits (pthread_cond_timedwait on CLOCK_MONOTONIC) return at once: a busy loop
                    "FAKETIME_FORCE_MONOTONIC_FIX=0"));
        }
        nodes[n] = lab.start(lab.ns(n), List.of(Faults.java(), "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dtandem.home=" + Faults.home(), "-cp", Faults.classPath(), "tandem.cli.Main", "run", "--config",
                configs[n].toString()), env, log(n));
    }

    Process process(int n) {
        return nodes[n];
    }

    boolean alive(int n) {
        return nodes[n] != null && nodes[n].isAlive();
    }

    /** SIGKILL to node's Tandem process only (its application, a child it adopted at start, stays). */
    void kill(int n) throws IOException, InterruptedException {
        Process p = nodes[n];
        if (p != null) {
            FaultLab.run(List.of("kill", "-KILL", String.valueOf(p.pid())));
            p.waitFor();
        }
    }

    /** SIGSTOP or SIGCONT to node's Tandem process. */
    void freeze(int n, boolean stop) throws IOException {
        FaultLab.run(List.of("kill", stop ? "-STOP" : "-CONT", String.valueOf(nodes[n].pid())));
    }

    /** An operator's command ({@code POST /api/command}): its answer with {@code httpStatus} (200 accepted), or empty. */
    Optional<JsonNode> command(int n, String name) {
        return send(api(n, "command").timeout(Duration.ofSeconds(3)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}")).build())
                .map(r -> {
                    JsonNode j = r.body();
                    return j.isObject() ? ((com.fasterxml.jackson.databind.node.ObjectNode) j).put("httpStatus", r.status()) : j;
                });
    }

    /** node's {@code /api/status}, or empty when it does not answer within 700 ms. */
    Optional<JsonNode> status(int n) {
        return send(api(n, "status").timeout(Duration.ofMillis(700)).GET().build())
                .filter(r -> r.status() == 200).map(Answer::body);
    }

    private record Answer(int status, JsonNode body) {
    }

    private HttpRequest.Builder api(int n, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + lab.mgmt(n) + ":" + API_PORT + "/api/" + path))
                .header("Authorization", "Bearer " + tokens[n]);
    }

    /** The answer and its JSON body ({} when empty), or empty when the node did not answer. */
    private Optional<Answer> send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return Optional.of(new Answer(r.statusCode(), JSON.readTree(r.body().isBlank() ? "{}" : r.body())));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** "PRIM uptodate", "SECOND syncing", ... or "down" (no answer). */
    String state(int n) {
        return status(n).map(s -> s.path("node").path("state").asText() + " " + s.path("node").path("data").asText())
                .orElse("down");
    }

    /** The formed pair: one PRIM, one SECOND, both uptodate; the primary's number, or 0. */
    int formed() {
        String a = state(1);
        String b = state(2);
        if (a.equals("PRIM uptodate") && b.equals("SECOND uptodate")) {
            return 1;
        }
        if (b.equals("PRIM uptodate") && a.equals("SECOND uptodate")) {
            return 2;
        }
        return 0;
    }

    /**
     * The pid of the process listening on the application's port in node's namespace, when one does:
     * what a client would reach there, whoever started it (Tandem's process service, or a run of it that
     * was killed and left it behind).
     */
    Optional<Long> app(int n) {
        try {
            FaultLab.Result r = FaultLab.run(List.of("ip", "netns", "exec", lab.ns(n), "ss", "-Hltnp",
                    "sport = :" + APP_PORT));
            if (r.code() != 0 || r.out().isBlank()) {
                return Optional.empty();
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(r.out());
            return Optional.of(m.find() ? Long.parseLong(m.group(1)) : -1L);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Steps node's wall clock to {@code offset} seconds from the machine's (libfaketime re-reads the file within 1 s). */
    void clockOffset(int n, long seconds) throws IOException {
        Path f = clockFile(n);
        Path tmp = f.resolveSibling("faketime.tmp");
        Files.writeString(tmp, (seconds >= 0 ? "+" : "") + seconds + "\n");
        Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Ends both nodes and any application left running (an adopted one outlives a killed node). */
    @Override
    public void close() {
        for (int n = 1; n <= 2; n++) {
            Process p = nodes[n];
            if (p != null && p.isAlive()) {
                try {
                    FaultLab.run(List.of("kill", "-CONT", String.valueOf(p.pid())));
                } catch (IOException e) {
                    // gone
                }
                p.destroy();
            }
        }
        for (int n = 1; n <= 2; n++) {
            Process p = nodes[n];
            if (p != null) {
                try {
                    if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            // an application a killed node left behind is a child of a node this run started
            app(n).filter(pid -> pid > 0).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (int n = 1; n <= 2; n++) {
            if (mounted[n]) {
                try {
                    FaultLab.run(List.of("umount", "-l", volume(n).toString()));
                } catch (IOException e) {
                    // left mounted: named in the log of the run
                }
                mounted[n] = false;
            }
        }
    }
}
