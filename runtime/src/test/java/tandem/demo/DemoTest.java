package tandem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem demo} end to end with real {@code tandem run} processes on loopback: the ms-failover and
 * the sbs story, the demo's folder removed at the end, and Ctrl-C (SIGTERM to the demo's JVM) stopping both
 * nodes as an operator stop does.
 */
class DemoTest {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    private static final Pattern FOLDER = Pattern.compile("\\* demo folder (\\S+) \\(");

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
    }

    private static Run demo(String profile, boolean keepFiles) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Demo.run(HOME, profile, false, keepFiles, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path folder(String text) {
        Matcher m = FOLDER.matcher(text);
        assertThat(m.find()).as("the demo names its folder: " + text).isTrue();
        return Path.of(m.group(1));
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void msFailoverTellsTheFailoverAndTheSwapAndRemovesItsFolder() throws Exception {
        Run r = demo("ms-failover", false);

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("removed at the end, --keep-files keeps it", "took over and serves: outage",
                "returned as SECOND (no automatic failback)", "swap done:", "summary: failover outage")
                .doesNotContain("\033");
        assertThat(folder(r.out())).as("removed at the end").doesNotExist();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void sbsTellsTheSyncTheTakeoverWithItsMailAndTheHandBack() throws Exception {
        Run r = demo("sbs", true);

        Path dir = folder(r.out());
        try {
            assertThat(r.status()).as(r.out()).isZero();
            assertThat(r.out()).contains("tandem demo (sbs)",
                    "both up: node1 primary (PRIM) serves, node2 secondary (SECOND) uptodate",
                    "the periodic cycle copied it to " + dir.resolve("node2/settings/labels.csv"),
                    "node2 knows the services node1 runs (sent with every cycle): app",
                    "node2 took over as primary (ALONE uptodate) and runs node1's service: outage",
                    "to ops@demo.invalid: [Tandem] node2 took over as primary (demo)",
                    "node1 is primary again (PRIM), node2 secondary (SECOND uptodate)", "summary: takeover outage",
                    "the demo folder stays: " + dir);
            assertThat(r.out().indexOf("copied it")).isLessThan(r.out().indexOf("killing node1"));
            assertThat(r.out().indexOf("killing node1")).isLessThan(r.out().indexOf("node2 took over as primary"));
            assertThat(dir.resolve("node2/settings/labels.csv")).hasContent("label,printer\nshipping,label-1");
            assertThat(Files.readString(dir.resolve("mail.log"))).contains("RCPT TO:<ops@demo.invalid>",
                    "Subject: [Tandem] node2 took over as primary (demo)");
        } finally {
            Demo.removeFolder(dir);
        }
    }

    @Test
    void aProfileWithoutADemoIsAUsageErrorAndLeavesNoFolder() throws Exception {
        Run r = demo("cluster-x", false);

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("demo: profile \"cluster-x\" has no demo; try: tandem demo ms-failover,"
                + " tandem demo sbs or tandem demo redundancy");
    }

    /** {@code tandem demo ARGS} in a JVM of its own whose temporary folder is {@link #tmp}. */
    private Process start(String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dtandem.home=" + HOME, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                "tandem.cli.Main", "demo"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("demo.out").toFile()).start();
    }

    /** A process's output, written to a file (a pipe's last bytes can be lost to a reader when the process ends). */
    private record Output(Path file) {
        String soFar() {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Everything, once the process ended. */
        String all() {
            return soFar();
        }
    }

    private static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s for %s", limit, what).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // the poll interval
        }
    }

    private List<Path> demoFolders() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("tandem-demo-")).toList();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void ctrlCWithKeepStopsBothNodesAsAnOperatorStopAndKeepsTheInstructionsOnScreen() throws Exception {
        Process demo = start("--keep", "--keep-files");
        Output out = new Output(tmp.resolve("demo.out"));
        try {
            await("the instructions of --keep", Duration.ofMinutes(3), () -> out.soFar().contains("console: node2 "));
            // each node's console, with the demo's password: it logs in and shows the node
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "(?m)^console: (node[12]) (http://127\\.0\\.0\\.1:\\d+/)  \\(user admin, password ([a-z0-9-]{19})\\)$")
                    .matcher(out.soFar());
            int consoles = 0;
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            while (m.find()) {
                consoles++;
                var login = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(2) + "api/login"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"user\": \"admin\", \"password\": \"" + m.group(3) + "\"}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(login.statusCode()).as(m.group(1) + ": " + login.body()).isEqualTo(200);
                String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
                var status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(2) + "api/status"))
                        .header("Cookie", cookie).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(status.body()).contains("\"id\":\"" + m.group(1) + "\"");
            }
            assertThat(consoles).as(out.soFar()).isEqualTo(2);
            List<ProcessHandle> nodes = demo.children().toList();
            assertThat(nodes).as("node1 and node2").hasSize(2);
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                for (ProcessHandle n : nodes) {
                    assertThat(session(n.pid())).as("a terminal's Ctrl-C reaches the demo only, not node %d", n.pid())
                            .isNotEqualTo(session(demo.pid()));
                }
            }
            int before = out.soFar().length();

            demo.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hooks run

            assertThat(demo.waitFor(LocalCluster.STOP_LIMIT.toSeconds() + 30, TimeUnit.SECONDS)).as(out.soFar()).isTrue();
            assertThat(nodes).as("both nodes ended").noneMatch(ProcessHandle::isAlive);
            String text = out.all();
            assertThat(text).contains("the cluster keeps running (Ctrl-C stops both nodes as an operator stop does). Try:")
                    .doesNotContain("\033");
            assertThat(text.substring(before)).contains("stopping node1 and node2 as an operator stop does (SIGTERM)")
                    .contains("the demo folder stays: ");
            Path dir = folder(text);
            for (String node : List.of("node1", "node2")) {
                String log = readAll(dir, node);
                assertThat(log).as("%s stopped as an operator stop does", node).contains(node + ": shutting down: ")
                        .doesNotContain("not stopped after");
            }
        } finally {
            demo.destroyForcibly();
        }
    }

    /** The session of a process (Linux: field 6 of /proc/PID/stat, after the command in parentheses). */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    /** Everything a node wrote: its output and its log files. */
    private static String readAll(Path dir, String node) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().contains(node)
                    && (f.toString().endsWith(".log") || f.toString().endsWith(".out"))).toList()) {
                all.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void ctrlCInTheMiddleStopsTheNodesAndRemovesTheFolder() throws Exception {
        Process demo = start("sbs");
        Output out = new Output(tmp.resolve("demo.out"));
        try {
            await("both nodes started", Duration.ofMinutes(1), () -> demo.children().count() == 2);
            List<ProcessHandle> nodes = demo.children().toList();
            assertThat(demoFolders()).hasSize(1);

            demo.destroy();

            assertThat(demo.waitFor(LocalCluster.STOP_LIMIT.toSeconds() + 30, TimeUnit.SECONDS)).as(out.soFar()).isTrue();
            assertThat(nodes).as("both nodes ended").noneMatch(ProcessHandle::isAlive);
            String text = out.all();
            assertThat(text).as("exit %d", demo.exitValue()).contains("stopping node1 and node2 as an operator stop does");
            assertThat(demoFolders()).as("the demo folder removed: " + text).isEmpty();
        } finally {
            demo.destroyForcibly();
        }
    }
}
