package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.Vip;
import tandem.os.Commands;
import tandem.os.FakeCommands;
import tandem.os.Os;

/** The commands the VIP implementations run and how they read the answers, against a fake. */
class VipCommandsTest {

    private final FakeCommands cmds = new FakeCommands();
    private final Vip vip = new Vip("192.168.178.249", 24, "eth0");

    /** One probe, interrupted after 500 ms (iputils arping takes only whole seconds for -w and -i). */
    private static final String DAD = "timeout -k 1 -s INT --preserve-status 0.5 arping -D -c 1 -w 1 -I eth0 192.168.178.249";
    /** Repeated, each time with twice the wait, when the probe before did not go out. */
    private static final String DAD_RETRY = "timeout -k 1 -s INT --preserve-status 1 arping -D -c 1 -w 1 -I eth0 192.168.178.249";
    private static final String DAD_RETRY_2 = "timeout -k 1 -s INT --preserve-status 2 arping -D -c 1 -w 2 -I eth0 192.168.178.249";
    private static final String DAD_RETRY_3 = "timeout -k 1 -s INT --preserve-status 4 arping -D -c 1 -w 4 -I eth0 192.168.178.249";
    private static final String GARP_REQUEST = "timeout -k 1 -s INT --preserve-status 0.1 arping -U -c 1 -I eth0 192.168.178.249";
    private static final String GARP_REPLY = "timeout -k 1 -s INT --preserve-status 0.1 arping -A -c 1 -I eth0 192.168.178.249";

    @Test
    void linuxChecksTheAddressIsFreeThenAddsAndAnnouncesIt() {
        new LinuxVip(vip, cmds).acquire();

        assertThat(cmds.calls()).containsExactly("ip -o addr show dev eth0",
                DAD,
                "ip addr add 192.168.178.249/24 dev eth0",
                GARP_REQUEST, GARP_REPLY);
    }

    @Test
    void linuxRefusesAnAddressSomeoneAnswersOn() {
        cmds.answer(DAD, 1, """
                ARPING 192.168.178.249 from 0.0.0.0 eth0
                Unicast reply from 192.168.178.249 [AA:BB:CC:00:11:22]  0.612ms
                Sent 1 probes (1 broadcast(s))
                Received 1 response(s)
                """);

        assertThatThrownBy(() -> new LinuxVip(vip, cmds).acquire())
                .isInstanceOf(ActionException.class)
                .hasMessage("192.168.178.249 is already in use by another host on eth0 (arping: reply from"
                        + " aa:bb:cc:00:11:22)");
        assertThat(cmds.calls()).noneMatch(c -> c.startsWith("ip addr add"));
    }

    private static final String ANSWERED = """
            ARPING 192.168.178.249 from 0.0.0.0 eth0
            Unicast reply from 192.168.178.249 [AA:BB:CC:00:11:22]  0.612ms
            Sent 1 probes (1 broadcast(s))
            Received 1 response(s)
            """;

    @Test
    void linuxTellsTheAddressHeldByThePeerFromOneHeldByAStranger() {
        cmds.answer(DAD, 1, ANSWERED)
                .answer("ip neigh show to 192.168.178.2 dev eth0", 0, "192.168.178.2 lladdr aa:bb:cc:00:11:22 STALE\n");

        assertThatThrownBy(() -> new LinuxVip(vip, "192.168.178.2", cmds).acquire())
                .isInstanceOfSatisfying(ActionException.class,
                        e -> assertThat(e.finding()).isEqualTo(tandem.facts.ActionResult.VIP_HELD_BY_PEER))
                .hasMessage("192.168.178.249 is still held by the peer 192.168.178.2 on eth0 (arping: reply from"
                        + " aa:bb:cc:00:11:22, the peer's MAC)");
        assertThat(cmds.calls()).noneMatch(c -> c.startsWith("ip addr add"));

        cmds.answer("ip neigh show to 192.168.178.2 dev eth0", 0, "192.168.178.2 lladdr aa:bb:cc:00:11:99 REACHABLE\n");
        assertThatThrownBy(() -> new LinuxVip(vip, "192.168.178.2", cmds).acquire())
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.finding()).isEmpty())
                .hasMessage("192.168.178.249 is already in use by another host on eth0 (arping: reply from"
                        + " aa:bb:cc:00:11:22)");

        cmds.answer("ip neigh show to 192.168.178.2 dev eth0", 0, "");
        assertThatThrownBy(() -> new LinuxVip(vip, "192.168.178.2", cmds).acquire())
                .as("a peer whose MAC this node does not know is not recognised")
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.finding()).isEmpty());
    }

    @Test
    void linuxTakesTheAddressOverWithoutProbingAndAnnouncesIt() {
        new LinuxVip(vip, "192.168.178.2", cmds).takeOver();

        assertThat(cmds.calls()).containsExactly("ip addr add 192.168.178.249/24 dev eth0", GARP_REQUEST, GARP_REPLY);
    }

    @Test
    void linuxWithoutArpingSaysWhatToInstall() {
        cmds.answerError(DAD, Commands.NOT_STARTED,
                "timeout: failed to run command 'arping': No such file or directory\n");

        assertThatThrownBy(() -> new LinuxVip(vip, cmds).acquire())
                .hasMessage("cannot check that 192.168.178.249 is free on eth0, so it was not taken: timeout: failed to"
                        + " run command 'arping': No such file or directory (Debian: apt-get install iputils-arping)");
    }

    @Test
    void linuxProbesAgainWhenTheFirstProbeHadNotGoneOut() {
        cmds.answer(DAD, 0, """
                ARPING 192.168.178.249 from 0.0.0.0 eth0
                Sent 0 probes (0 broadcast(s))
                Received 0 response(s)
                """);

        new LinuxVip(vip, cmds).acquire();

        assertThat(cmds.calls()).containsExactly("ip -o addr show dev eth0", DAD, DAD_RETRY,
                "ip addr add 192.168.178.249/24 dev eth0", GARP_REQUEST, GARP_REPLY);
    }

    /**
     * SIGINT from {@code timeout} before arping had set up its signal handling kills it: no output,
     * and {@code timeout --preserve-status} exits 130. The probe did not run, so it says nothing about
     * the address; the takeover goes on with a probe that runs.
     */
    @Test
    void linuxProbesAgainWhenArpingWasInterruptedBeforeItRan() {
        cmds.answer(DAD, 130, "");

        new LinuxVip(vip, cmds).acquire();

        assertThat(cmds.calls()).containsExactly("ip -o addr show dev eth0", DAD, DAD_RETRY,
                "ip addr add 192.168.178.249/24 dev eth0", GARP_REQUEST, GARP_REPLY);
    }

    @Test
    void linuxKeepsProbingWhileNoProbeWentOut() {
        Commands.Result nothingSent = new Commands.Result(0, """
                ARPING 192.168.178.249 from 0.0.0.0 eth0
                Sent 0 probes (0 broadcast(s))
                Received 0 response(s)
                """, "", false);
        cmds.answer(DAD, nothingSent).answer(DAD_RETRY, 130, "");

        new LinuxVip(vip, cmds).acquire();

        assertThat(cmds.calls()).containsExactly("ip -o addr show dev eth0", DAD, DAD_RETRY, DAD_RETRY_2,
                "ip addr add 192.168.178.249/24 dev eth0", GARP_REQUEST, GARP_REPLY);
    }

    @Test
    void linuxGivesUpWhenNoProbeEverRan() {
        cmds.answer(DAD, 130, "").answer(DAD_RETRY, 130, "").answer(DAD_RETRY_2, 130, "").answer(DAD_RETRY_3, 130, "");

        assertThatThrownBy(() -> new LinuxVip(vip, cmds).acquire())
                .isInstanceOf(ActionException.class)
                .hasMessage("cannot check that 192.168.178.249 is free on eth0, so it was not taken: arping was"
                        + " interrupted before its probe went out, 4 times");
        assertThat(cmds.calls()).noneMatch(c -> c.startsWith("ip addr add"));
    }

    @Test
    void linuxProbesWithTheConfiguredWait() {
        Vip fast = new Vip("192.168.178.249", 24, "eth0", java.time.Duration.ofMillis(25));
        cmds.answer(DAD.replace(" 0.5 ", " 0.025 "), 130, "");

        new LinuxVip(fast, cmds).acquire();

        assertThat(cmds.calls()).containsSubsequence(DAD.replace(" 0.5 ", " 0.025 "), DAD.replace(" 0.5 ", " 0.25 "),
                "ip addr add 192.168.178.249/24 dev eth0");
        assertThat(LinuxVip.probe(java.time.Duration.ofMillis(2500), "eth0", "192.168.178.249"))
                .as("arping's own deadline is no shorter than the wait")
                .containsSubsequence("2.5", "arping", "-w", "3");
    }

    @Test
    void linuxAnnouncesAgainWhenTheAnnouncementHadNotGoneOut() {
        cmds.answer(GARP_REQUEST, 130, "");

        new LinuxVip(vip, cmds).acquire();

        assertThat(cmds.calls()).containsExactly("ip -o addr show dev eth0", DAD,
                "ip addr add 192.168.178.249/24 dev eth0", GARP_REQUEST, GARP_REQUEST.replace(" 0.1 ", " 0.5 "),
                GARP_REPLY);
    }

    @Test
    void linuxAcceptsAnAddressAlreadyThereAndAFailedAnnouncement() {
        cmds.answerError("ip addr add 192.168.178.249/24 dev eth0", 2, "Error: ipv4: Address already assigned.\n")
                .answerError(GARP_REQUEST, 2, "arping: socket: Operation not permitted\n");

        new LinuxVip(vip, cmds).acquire();
    }

    @Test
    void linuxReportsAnAddFailure() {
        cmds.answerError("ip addr add 192.168.178.249/24 dev eth0", 2, "RTNETLINK answers: Operation not permitted\n");

        assertThatThrownBy(() -> new LinuxVip(vip, cmds).acquire())
                .hasMessage("cannot add 192.168.178.249/24 to eth0: ip exit code 2: RTNETLINK answers: Operation not"
                        + " permitted");
    }

    @Test
    void linuxHeldReadsTheExactAddress() {
        cmds.answer("ip -o addr show dev eth0", 0,
                "2: eth0    inet 192.168.178.2490/24 brd 192.168.178.255 scope global eth0\\n\n");
        assertThat(new LinuxVip(vip, cmds).held()).isFalse();
        cmds.answer("ip -o addr show dev eth0", 0,
                "2: eth0    inet 192.168.178.249/24 scope global secondary eth0\\n\n");
        assertThat(new LinuxVip(vip, cmds).held()).isTrue();
    }

    @Test
    void windowsRefusesAnAddressThatAnswersPing() {
        Vip testNet = new Vip("192.0.2.77", 24, "Ethernet 2");
        cmds.answer("ping -n 1 -w 1000 192.0.2.77", 0, "\r\nPinging 192.0.2.77 with 32 bytes of data:\r\n"
                + "Reply from 192.0.2.77: bytes=32 time<1ms TTL=128\r\n");

        assertThatThrownBy(() -> new WindowsVip(testNet, cmds).acquire())
                .hasMessage("192.0.2.77 is already in use by another host on Ethernet 2 (ping: Pinging 192.0.2.77"
                        + " with 32 bytes of data:)");
    }

    @Test
    void windowsAddsTheAddressWithNetshWhenNobodyAnswers() {
        Vip testNet = new Vip("192.0.2.77", 25, "Ethernet 2");
        cmds.answer("ping -n 1 -w 1000 192.0.2.77", 0, "Reply from 192.0.2.1: Destination host unreachable.\r\n");

        new WindowsVip(testNet, cmds).acquire();

        assertThat(cmds.calls()).containsExactly("ping -n 1 -w 1000 192.0.2.77",
                "netsh interface ipv4 add address Ethernet 2 192.0.2.77 255.255.255.128");
    }

    @Test
    void netmasks() {
        assertThat(WindowsVip.mask(24)).isEqualTo("255.255.255.0");
        assertThat(WindowsVip.mask(25)).isEqualTo("255.255.255.128");
        assertThat(WindowsVip.mask(32)).isEqualTo("255.255.255.255");
        assertThat(WindowsVip.mask(8)).isEqualTo("255.0.0.0");
        assertThat(WindowsVip.mask(1)).isEqualTo("128.0.0.0");
    }

    @Test
    void theFactoryFollowsTheConfig(@TempDir Path dir) {
        assertThat(VirtualIps.of(TestConfigs.node(dir, ""), cmds)).isEmpty();
        assertThat(VirtualIps.of(TestConfigs.node(dir, """
                vip:
                  address: 192.168.178.249/24
                  interface: eth0
                """), cmds)).get().isInstanceOf(Os.windows() ? WindowsVip.class : LinuxVip.class);
    }
}
