package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.config.Vip;
import tandem.os.Commands;
import tandem.os.Os;
import tandem.os.SystemCommands;

/**
 * {@link LinuxVip} for real, inside two network namespaces joined by a veth pair (ns A holds
 * 10.213.0.1/24, ns B 10.213.0.2/24), so no packet leaves them. Needs root, {@code ip netns} and
 * iputils {@code arping}; skipped without root or network namespaces.
 */
class LinuxVipTest {

    private static final SystemCommands SYSTEM = new SystemCommands();
    private static final Duration T = Duration.ofSeconds(10);
    private static final long ID = ProcessHandle.current().pid() % 100_000;
    private static final String NS_A = "tandem-vip-a-" + ID;
    private static final String NS_B = "tandem-vip-b-" + ID;
    private static final String DEV_A = "tva" + ID;
    private static final String DEV_B = "tvb" + ID;

    /** Runs every argv inside one namespace: {@code ip netns exec NS argv...}. */
    private record InNamespace(String ns, Commands inner) implements Commands {
        @Override
        public Result run(List<String> argv, Duration timeout) {
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            wrapped.addAll(argv);
            return inner.run(wrapped, timeout);
        }
    }

    private final Commands inA = new InNamespace(NS_A, SYSTEM);
    private final Commands inB = new InNamespace(NS_B, SYSTEM);

    @BeforeAll
    static void namespaces() throws Exception {
        assumeThat(Os.windows()).as("Linux only").isFalse();
        assumeThat(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElse("").split("\\s+")[2])
                .as("needs root").isEqualTo("0");
        Commands.Result add = SYSTEM.run(List.of("ip", "netns", "add", NS_A), T);
        assumeThat(add.ok()).as("ip netns unavailable: " + add.firstLine(200)).isTrue();
        sh("ip netns add " + NS_B);
        sh("ip link add " + DEV_A + " type veth peer name " + DEV_B);
        sh("ip link set " + DEV_A + " netns " + NS_A);
        sh("ip link set " + DEV_B + " netns " + NS_B);
        sh("ip -n " + NS_A + " addr add 10.213.0.1/24 dev " + DEV_A);
        sh("ip -n " + NS_B + " addr add 10.213.0.2/24 dev " + DEV_B);
        sh("ip -n " + NS_A + " link set " + DEV_A + " up");
        sh("ip -n " + NS_B + " link set " + DEV_B + " up");
    }

    @AfterAll
    static void removeNamespaces() {
        // deleting a namespace deletes the veth end in it, and with it the pair
        SYSTEM.run(List.of("ip", "netns", "del", NS_A), T);
        SYSTEM.run(List.of("ip", "netns", "del", NS_B), T);
    }

    @AfterEach
    void dropTestAddresses() {
        SYSTEM.run(List.of("ip", "-n", NS_A, "addr", "flush", "dev", DEV_A, "to", "10.213.0.100/32"), T);
    }

    private static void sh(String command) {
        Commands.Result r = SYSTEM.run(List.of(command.split(" ")), T);
        assertThat(r.ok()).as(command + ": " + r.stderr()).isTrue();
    }

    private LinuxVip vip(String address) {
        return new LinuxVip(new Vip(address, 24, DEV_A), inA);
    }

    @Test
    void acquireAddsTheAddressAndReleaseRemovesIt() {
        LinuxVip vip = vip("10.213.0.100");
        assertThat(vip.held()).isFalse();

        long t0 = System.nanoTime();
        vip.acquire();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(tookMs).as("one 500 ms probe and two interrupted announcements, not seconds").isLessThan(2500);
        assertThat(vip.held()).isTrue();
        assertThat(inA.run(List.of("ip", "-o", "addr", "show", "dev", DEV_A), T).stdout())
                .contains("inet 10.213.0.100/24");
        assertThat(inB.run(List.of("ping", "-c", "1", "-W", "2", "10.213.0.100"), T).ok())
                .as("the other namespace reaches the VIP").isTrue();

        vip.acquire(); // already held: only announced again
        assertThat(vip.held()).isTrue();

        vip.release();

        assertThat(vip.held()).isFalse();
        assertThat(inA.run(List.of("ip", "-o", "addr", "show", "dev", DEV_A), T).stdout()).doesNotContain("10.213.0.100");

        vip.release(); // not held: nothing to do
    }

    /**
     * A wait too short for arping to start interrupts it before its probe goes out (exit 130 or
     * "Sent 0 probes") in most runs: the takeover still succeeds, with a probe that ran.
     */
    @Test
    void aProbeInterruptedBeforeItRanDoesNotStopTheTakeover() {
        LinuxVip vip = new LinuxVip(new Vip("10.213.0.100", 24, DEV_A, Duration.ofMillis(10)), inA);

        for (int i = 0; i < 5; i++) {
            vip.acquire();
            assertThat(vip.held()).isTrue();
            vip.release();
        }
    }

    @Test
    void anAddressAnotherHostAnswersOnIsNotTaken() {
        LinuxVip vip = vip("10.213.0.2");

        assertThatThrownBy(vip::acquire)
                .isInstanceOf(ActionException.class)
                .hasMessageStartingWith("10.213.0.2 is already in use by another host on " + DEV_A
                        + " (arping: reply from ")
                .hasMessageMatching(".*reply from ([0-9a-f]{2}:){5}[0-9a-f]{2}\\)");
        assertThat(vip.held()).isFalse();
    }

    /**
     * The address answered for by the host whose MAC this node's neighbour table has for the peer's
     * address: held by the peer (a finding for the rules), taken over on their word without a probe.
     */
    @Test
    void anAddressThePeerHoldsIsAFindingAndCanBeTakenOver() {
        assertThat(inA.run(List.of("ping", "-c", "1", "-W", "2", "10.213.0.2"), T).ok())
                .as("ns A learns ns B's MAC").isTrue();
        SYSTEM.run(List.of("ip", "-n", NS_B, "addr", "add", "10.213.0.100/24", "dev", DEV_B), T);
        try {
            LinuxVip vip = new LinuxVip(new Vip("10.213.0.100", 24, DEV_A), "10.213.0.2", inA);

            assertThatThrownBy(vip::acquire)
                    .isInstanceOfSatisfying(ActionException.class,
                            e -> assertThat(e.finding()).isEqualTo(tandem.facts.ActionResult.VIP_HELD_BY_PEER))
                    .hasMessageStartingWith("10.213.0.100 is still held by the peer 10.213.0.2 on " + DEV_A
                            + " (arping: reply from ");
            assertThat(vip.held()).isFalse();

            vip.takeOver();
            assertThat(vip.held()).isTrue();
            vip.release();
        } finally {
            SYSTEM.run(List.of("ip", "-n", NS_B, "addr", "del", "10.213.0.100/24", "dev", DEV_B), T);
        }
    }

    @Test
    void aMissingInterfaceIsAClearError() {
        LinuxVip vip = new LinuxVip(new Vip("10.213.0.100", 24, "tandem-nope0"), inA);

        assertThatThrownBy(vip::acquire)
                .isInstanceOf(ActionException.class)
                .hasMessageStartingWith("cannot check that 10.213.0.100 is free on tandem-nope0, so it was not taken: ");
        assertThat(vip.held()).isFalse();
    }
}
