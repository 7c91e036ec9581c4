package tandem.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.actions.Await;
import tandem.os.Commands;
import tandem.os.FakeCommands;
import tandem.os.SystemCommands;
import tandem.actions.TestConfigs;
import tandem.facts.ProbeResult;

class ChecksTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final SystemCommands system = new SystemCommands();

    @AfterEach
    void killStarted() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Process start(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        started.add(p);
        return p;
    }

    /** A copy of {@code sleep} under a name no other process on the machine has. */
    private String uniqueSleep() throws IOException {
        String name = "tandem-probe-" + ProcessHandle.current().pid();
        Path copy = dir.resolve(name);
        Files.copy(Path.of("/bin/sleep"), copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        return copy.toString();
    }

    // proc

    @Test
    void procCountsProcessesByExecutableName() throws Exception {
        String sleep = uniqueSleep();
        String name = Path.of(sleep).getFileName().toString();
        ProcCheck two = new ProcCheck("proc.app", name, 2);
        ProcCheck three = new ProcCheck("proc.app", name, 3);
        assertThat(two.probe(1)).isEqualTo(new ProbeResult("proc.app", false, "not running", 1));

        start(sleep, "30");
        start(sleep, "30");
        Await.until(Duration.ofSeconds(5), "both visible", () -> two.probe(2).ok());

        assertThat(two.probe(3)).isEqualTo(new ProbeResult("proc.app", true, "2 running", 3));
        assertThat(three.probe(4)).isEqualTo(new ProbeResult("proc.app", false, "2 running, 3 required", 4));

        for (Process p : started) {
            p.destroy();
            p.waitFor();
        }
        assertThat(two.probe(5)).isEqualTo(new ProbeResult("proc.app", false, "not running", 5));
    }

    @Test
    void procAlsoMatchesAScriptRunByAnInterpreter() throws Exception {
        String script = "tandem-probe-" + ProcessHandle.current().pid() + ".sh";
        Path file = dir.resolve(script);
        Files.writeString(file, "sleep 30; true\n");
        ProcCheck check = new ProcCheck("proc.script", script, 1);

        start("sh", file.toString());

        Await.until(Duration.ofSeconds(5), "script visible", () -> check.probe(1).ok());
        assertThat(check.probe(2).detail()).isEqualTo("1 running");
    }

    // tcp

    @Test
    void tcpConnectsToAListeningPort() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            Check check = TcpCheck.of("tcp.api", "127.0.0.1:" + port, Duration.ofSeconds(2));

            assertThat(check.probe(7)).isEqualTo(new ProbeResult("tcp.api", true, "127.0.0.1:" + port + ": connected", 7));
        }
    }

    @Test
    void tcpFailsOnAClosedPort() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            port = server.getLocalPort();
        }
        Check check = TcpCheck.of("tcp.api", "127.0.0.1:" + port, Duration.ofSeconds(2));

        assertThat(check.probe(7)).isEqualTo(new ProbeResult("tcp.api", false,
                "127.0.0.1:" + port + ": connection refused", 7));
    }

    @Test
    void tcpWithAMalformedTargetAlwaysFails() {
        assertThat(TcpCheck.of("tcp.api", "localhost", Duration.ofSeconds(1)).probe(1))
                .isEqualTo(new ProbeResult("tcp.api", false, "target \"localhost\" is not host:port", 1));
    }

    // ping

    @Test
    void pingLoopbackDirectly() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Checks.privileged(), "ICMP from the JVM needs root");
        PingCheck check = new PingCheck("ping.gw", "127.0.0.1", Duration.ofSeconds(2), system, true);

        assertThat(check.probe(1)).isEqualTo(new ProbeResult("ping.gw", true, "127.0.0.1 answers", 1));
    }

    @Test
    void pingLoopbackWithThePingCommand() {
        PingCheck check = new PingCheck("ping.gw", "127.0.0.1", Duration.ofSeconds(2), system, false);

        assertThat(check.probe(1)).isEqualTo(new ProbeResult("ping.gw", true, "127.0.0.1 answers", 1));
    }

    @Test
    void pingCommandWithoutAnswerOrWithAnError() {
        FakeCommands fake = new FakeCommands()
                .answer("ping -c 1 -W 1 192.0.2.1", 1, "1 packets transmitted, 0 received, 100% packet loss\n")
                .answerError("ping -c 1 -W 1 no.such.host", 2, "ping: no.such.host: Name or service not known\n");

        assertThat(new PingCheck("ping.gw", "192.0.2.1", Duration.ofSeconds(1), fake, false).probe(1))
                .isEqualTo(new ProbeResult("ping.gw", false, "192.0.2.1: no answer within 1s", 1));
        assertThat(new PingCheck("ping.gw", "no.such.host", Duration.ofMillis(500), fake, false).probe(1))
                .isEqualTo(new ProbeResult("ping.gw", false,
                        "no.such.host: ping: no.such.host: Name or service not known", 1));
    }

    // interface, vip

    @Test
    void interfaceLoopbackIsUpAndAMissingOneFails() {
        assertThat(new InterfaceCheck("interface.lo", "lo").probe(1))
                .isEqualTo(new ProbeResult("interface.lo", true, "lo is up", 1));
        assertThat(new InterfaceCheck("interface.lan", "tandem-nope0").probe(1))
                .isEqualTo(new ProbeResult("interface.lan", false, "no interface tandem-nope0", 1));
    }

    @Test
    void vipIsFoundOnALocalInterfaceOrNot() {
        assertThat(new VipCheck("vip.loop", "127.0.0.1").probe(1))
                .isEqualTo(new ProbeResult("vip.loop", true, "127.0.0.1 is on lo", 1));
        assertThat(new VipCheck("vip.main", "192.0.2.77/24").probe(1))
                .isEqualTo(new ProbeResult("vip.main", false, "192.0.2.77 is not on any local interface", 1));
    }

    // custom

    @Test
    void customIsOkOnExitCodeZero() {
        assertThat(custom("true").probe(1)).isEqualTo(new ProbeResult("custom.c", true, "exit code 0", 1));
        assertThat(custom("false").probe(1)).isEqualTo(new ProbeResult("custom.c", false, "exit code 1", 1));
        assertThat(custom("echo all good").probe(1)).isEqualTo(new ProbeResult("custom.c", true, "all good", 1));
    }

    @Test
    void customDetailIsTheFirstLineTrimmedAndCut() {
        assertThat(custom("echo detail; echo more; exit 3").probe(1))
                .isEqualTo(new ProbeResult("custom.c", false, "detail", 1));
        assertThat(custom("echo '   spaced   '; exit 1").probe(1).detail()).isEqualTo("spaced");
        assertThat(custom("printf '%0250d' 0").probe(1).detail()).hasSize(200);
        assertThat(custom("echo only on stderr >&2; exit 2").probe(1).detail()).isEqualTo("only on stderr");
    }

    @Test
    void aCustomCheckThatHangsIsKilledAfterItsTimeout() {
        long before = System.nanoTime();

        ProbeResult r = new CustomCheck("custom.c", "sleep 30", Duration.ofMillis(300), system).probe(1);

        assertThat(r).isEqualTo(new ProbeResult("custom.c", false, "no result within 300ms: killed", 1));
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(8));
    }

    private CustomCheck custom(String line) {
        return new CustomCheck("custom.c", line, Duration.ofSeconds(10), system);
    }

    // service

    @Test
    void serviceAsksSystemd() {
        FakeCommands fake = new FakeCommands()
                .answer("systemctl is-active app.service", 0, "active\n")
                .answer("systemctl is-active gone.service", 3, "inactive\n")
                .answerTimeout("systemctl is-active slow.service");

        assertThat(service("app.service", fake).probe(1))
                .isEqualTo(new ProbeResult("service.app", true, "app.service active", 1));
        assertThat(service("gone.service", fake).probe(1))
                .isEqualTo(new ProbeResult("service.app", false, "gone.service inactive", 1));
        assertThat(service("slow.service", fake).probe(1))
                .isEqualTo(new ProbeResult("service.app", false, "systemctl did not answer within 2s", 1));
    }

    @Test
    void serviceWithoutSystemctlSaysSo() {
        FakeCommands fake = new FakeCommands().answerError("systemctl is-active app.service", Commands.NOT_STARTED,
                "cannot run systemctl: error=2, No such file or directory");

        assertThat(service("app.service", fake).probe(1).detail())
                .isEqualTo("cannot run systemctl: error=2, No such file or directory");
    }

    private static ServiceCheck service(String unit, Commands fake) {
        return new ServiceCheck("service.app", unit, Duration.ofSeconds(2), fake, false);
    }

    // from the config

    @Test
    void oneCheckPerCheckerInOrderThenTheWitness() {
        var c = TestConfigs.node(dir, """
                witness:
                  address: 127.0.0.1
                checkers:
                  - {name: management, type: proc, target: management-server, min-count: 2}
                  - {name: app, type: service, target: app.service}
                  - {name: api, type: tcp, target: "127.0.0.1:1"}
                  - {name: gw, type: ping, target: 127.0.0.1}
                  - {name: lan, type: interface, target: lo}
                  - {name: main, type: vip, target: 127.0.0.1}
                  - {name: health, type: custom, target: "echo fine"}
                """);
        FakeCommands fake = new FakeCommands().answer("systemctl is-active app.service", 0, "active\n")
                .answer("sh -c echo fine", 0, "fine\n");

        List<Check> checks = Checks.of(c, fake);

        assertThat(checks).extracting(Check::resource).containsExactly("proc.management", "service.app", "tcp.api",
                "ping.gw", "interface.lan", "vip.main", "custom.health", "ping.witness");
        assertThat(checks.get(1).probe(1)).isEqualTo(new ProbeResult("service.app", true, "app.service active", 1));
        assertThat(checks.get(6).probe(1)).isEqualTo(new ProbeResult("custom.health", true, "fine", 1));
    }

    @Test
    void aWitnessWithAPortIsProbedOverTcp() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            var c = TestConfigs.node(dir, "witness:\n  address: 127.0.0.1\n  port: " + server.getLocalPort() + "\n");

            List<Check> checks = Checks.of(c, new FakeCommands());

            assertThat(checks).extracting(Check::resource).containsExactly("tcp.witness");
            assertThat(checks.get(0).probe(3).ok()).isTrue();
        }
    }

    @Test
    void withoutAWitnessThereIsNoWitnessCheck() {
        assertThat(Checks.of(TestConfigs.node(dir, ""), new FakeCommands())).isEmpty();
    }
}
