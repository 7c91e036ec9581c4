package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.ActionResult;
import tandem.facts.BackupImported;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.ImportRecordUnreadable;
import tandem.facts.NodeState;
import tandem.facts.ProbeResult;
import tandem.facts.RedundancySettings;

/**
 * The redundancy profile's rules (rules/common + rules/redundancy) on a pseudo clock, with the engine
 * setups of the sample nodes {@code samples/redundancy/active.yaml} and {@code standby.yaml}: the two
 * roles, the switchover's precondition "the active completely down" (RED-9) and its answers, and the
 * age of the standby's data.
 */
class RedundancyRulesTest {
    private static final String PING = "ping.active";
    private static final String SSH = "tcp.active-ssh";
    private static final long DOWN_FOR = 60_000;
    private static final long DAY = 86_400_000L;

    private static RuleSet rules;
    private static EngineSetup active;
    private static EngineSetup standby;

    private final List<EngineEvent> events = new ArrayList<>();
    private final List<ActionRequest> actions = new ArrayList<>();

    @BeforeAll
    static void compile() {
        ProfileSpec profile = ProfileSpec.load(Fixtures.home(), "redundancy");
        rules = RuleSet.compile(profile.ruleFolders());
        active = setup("active", profile);
        standby = setup("standby", profile);
    }

    private static EngineSetup setup(String node, ProfileSpec profile) {
        NodeConfig c = ConfigLoader.load(Fixtures.home().resolve("samples/redundancy").resolve(node + ".yaml"));
        return Setups.of(c, profile.transitions());
    }

    @Test
    void theSetupsCarryTheRedundancySettingsAndTheStandbysProbesOfItsActive() {
        RedundancySettings s = (RedundancySettings) standby.facts().get(0);
        assertThat(s.standby()).isTrue();
        assertThat(s.downForMs()).isEqualTo(DOWN_FOR);
        assertThat(s.activeAddress()).isEqualTo("127.0.0.1");
        assertThat(s.pingResource()).isEqualTo(PING);
        assertThat(s.sshResource()).isEqualTo(SSH);
        assertThat(s.checklist()).hasSize(2);
        assertThat(s.users()).as("samples/redundancy/users.txt").isEqualTo(2);
        assertThat(standby.resources().get(PING)).satisfies(r -> {
            assertThat(r.critical()).as("the active's silence is no failure of the standby").isFalse();
            assertThat(r.activeOnly()).isFalse();
            assertThat(r.peerHost()).isTrue();
        });
        assertThat(standby.resources().get(SSH).critical()).isFalse();

        RedundancySettings a = (RedundancySettings) active.facts().get(0);
        assertThat(a.standby()).isFalse();
        assertThat(a.pingResource()).isNull();
        assertThat(active.resources()).doesNotContainKeys(PING, SSH);
    }

    // --- the roles ---------------------------------------------------------------------------------

    @Test
    void theStandbyStaysPassiveAndRefusesAStart() {
        Engine e = boot(standby, new NodeStore.InMemory());

        assertThat(e.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(actions).extracting(ActionRequest::action).containsExactly("stop-services");
        assertThat(e.node().data()).isEqualTo(DataState.NOT_UPTODATE);
        assertThat(events).anySatisfy(ev -> assertThat(ev.reason()).contains("no backup of the active has been imported"));
        answerAll(e);

        CommandAnswer start = answer(e.command("start", "test"), "start");
        assertThat(start.accepted()).isFalse();
        assertThat(start.reason()).isEqualTo("the standby never runs the appliance's modules (RED-8); use switchover"
                + " once the active is completely down (RED-9)");
        assertThat(e.services().running()).isFalse();
    }

    @Test
    void theActiveRunsItsModulesOnceItHearsAStandbyThatHasNotSwitchedOver() {
        Engine e = boot(active, new NodeStore.InMemory());
        assertThat(e.node().state()).as("it first hears whether its standby serves").isEqualTo(NodeState.WAIT);

        e.heartbeat(standbyBeat(NodeState.SECOND, 0, 1_000));

        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions).extracting(ActionRequest::action).containsExactly("start-services");
        CommandAnswer switchover = answer(e.command("switchover", "test"), "switchover");
        assertThat(switchover.accepted()).isFalse();
        assertThat(switchover.reason()).contains("this node is the active");
    }

    @Test
    void theActiveRunsItsModulesWhenItsStandbyStaysSilent() {
        Engine e = boot(active, new NodeStore.InMemory());
        long timeout = active.settings().failoverTimeoutMs();
        e.advanceTo(timeout - 1);
        e.tick();
        assertThat(e.node().state()).isEqualTo(NodeState.WAIT);

        e.advanceTo(timeout);
        e.tick();

        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);
    }

    @Test
    void theActiveKeepsItsModulesStoppedWhileItsStandbyHasSwitchedOverEvenWhenItIsStopped() {
        Engine e = boot(active, new NodeStore.InMemory());

        e.heartbeat(standbyBeat(NodeState.ALONE, 1, 1_000));
        assertThat(e.node().state()).isEqualTo(NodeState.WAIT);
        e.heartbeat(standbyBeat(NodeState.STOP, 1, 2_000));

        assertThat(e.node().state()).as("the generation says it switched; only a rollback hands the role back")
                .isEqualTo(NodeState.WAIT);
        assertThat(actions).isEmpty();
        assertThat(events).anySatisfy(ev -> assertThat(ev.reason()).contains("the standby has switched over (it is STOP now)"));
    }

    @Test
    void aRunningActiveThatHearsItsStandbySwitchedOverStopsItsModules() {
        Engine e = boot(active, new NodeStore.InMemory());
        e.heartbeat(standbyBeat(NodeState.SECOND, 0, 1_000));
        answerAll(e);
        assertThat(e.services().running()).isTrue();

        e.advanceTo(5_000);
        e.heartbeat(standbyBeat(NodeState.ALONE, 1, 5_000));
        answerAll(e);

        assertThat(e.node().state()).isEqualTo(NodeState.STOP);
        assertThat(e.services().running()).isFalse();
    }

    @Test
    void aSwitchedStandbyServesAgainAfterARestart() {
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.ALONE, DataState.UPTODATE, 1));

        Engine e = boot(standby, store);

        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions).extracting(ActionRequest::action).containsExactly("vip-up", "start-services");
        assertThat(e.node().data()).as("no data-age rule for a switched standby").isEqualTo(DataState.UPTODATE);
    }

    // --- the switchover (RED-9..RED-11) --------------------------------------------------------------

    @Test
    void switchoverIsRefusedWithWhatOfTheActiveStillAnswersAndTheChecklist() {
        Engine e = boot(standby, new NodeStore.InMemory());
        e.heartbeat(activeBeat(0));
        e.advanceTo(5_000);
        e.probes(List.of(new ProbeResult(PING, true, "127.0.0.1 answers", 5_000),
                new ProbeResult(SSH, false, "127.0.0.1:2221: connection refused", 5_000)));
        e.advanceTo(8_000);
        e.tick();

        CommandAnswer a = answer(e.command("switchover", "test"), "switchover");

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).isEqualTo("the active is not completely down: heartbeat last heard 8s ago;"
                + " ping answers (127.0.0.1 answers); ssh silent for 3s only; heartbeat, ping and SSH must all stay"
                + " silent for 1m (switchover.down-for) before a switchover (RED-9). To move by hand before it"
                + " (RED-11): 1) Move the ISDN lines from the active to the standby; 2) Move the analog devices from"
                + " the active to the standby");
        assertThat(e.node().state()).isEqualTo(NodeState.SECOND);
    }

    @Test
    void switchoverIsRefusedBeforeTheProbesHaveSaidAnything() {
        Engine e = boot(standby, new NodeStore.InMemory());

        CommandAnswer a = answer(e.command("switchover", "test"), "switchover");

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("heartbeat not listened for yet", "ping not probed yet", "ssh not probed yet");
    }

    @Test
    void switchoverIsGrantedOnceHeartbeatPingAndSshHaveBeenSilentForDownFor() {
        Engine e = boot(standby, new NodeStore.InMemory());
        answerAll(e);
        e.heartbeat(activeBeat(0));
        silentProbes(e, 5_000, 5_000 + DOWN_FOR - 5_000);

        // heard at 0 s, silent probes from 5 s: at 64 s the ping and SSH have been silent for 59 s only
        CommandAnswer early = answer(e.command("switchover", "test"), "switchover");
        assertThat(early.accepted()).isFalse();
        assertThat(early.reason()).contains("ping silent for 55s only", "ssh silent for 55s only")
                .doesNotContain("heartbeat last heard");

        silentProbes(e, 5_000 + DOWN_FOR, 5_000 + DOWN_FOR);
        actions.clear();
        CommandAnswer unconfirmed = answer(e.command("switchover", "operator"), "switchover");
        assertThat(unconfirmed.accepted()).isFalse();
        assertThat(unconfirmed.reason()).contains("completely down for 1m", "1) Move the ISDN lines",
                "then confirm with: tandem command switchover --confirm");
        assertThat(e.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(actions).isEmpty();

        CommandAnswer granted = answer(e.command("switchover", "operator", java.util.Map.of("confirm", "true")),
                "switchover");

        assertThat(granted.accepted()).as(granted.reason()).isTrue();
        assertThat(granted.reason()).startsWith("switchover (operator): the active has been completely down for 1m"
                + " (no heartbeat, no ping answer, no SSH answer): taking over its address 127.0.0.1, starting the"
                + " appliance's modules with the data of the last imported backup (not uptodate), mailing 2 user(s)"
                + " to restart their phones (RED-9, RED-10). To move by hand now (RED-11): 1) Move the ISDN lines");
        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(e.node().data()).isEqualTo(DataState.UPTODATE);
        assertThat(e.node().generation()).as("counts the switchover").isEqualTo(1);
        assertThat(actions).extracting(ActionRequest::action)
                .containsExactly("vip-up", "start-services", "mail-phones-restart");

        CommandAnswer again = answer(e.command("switchover", "operator", java.util.Map.of("confirm", "true")),
                "switchover");
        assertThat(again.accepted()).isFalse();
        assertThat(again.reason()).contains("already switched over");
    }

    @Test
    void oneAnswerOfTheActiveStartsTheSilenceAnew() {
        Engine e = boot(standby, new NodeStore.InMemory());
        e.heartbeat(activeBeat(0));
        silentProbes(e, 5_000, 50_000);
        e.advanceTo(55_000);
        e.probes(List.of(new ProbeResult(PING, false, "no answer", 55_000),
                new ProbeResult(SSH, true, "127.0.0.1:2221: connected", 55_000)));
        silentProbes(e, 60_000, 110_000);

        CommandAnswer a = answer(e.command("switchover", "test"), "switchover");

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("down: ssh silent for 50s only;").doesNotContain("ping silent", "ping answers");
    }

    // --- switchover.probes: [ssh] (an address that answers pings whatever the active does) ------------

    @Test
    void withOnlyTheSshProbeThereIsNoPingAndTheReasonsSaySo(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        EngineSetup sshOnly = sshOnlyStandby(dir);
        RedundancySettings s = (RedundancySettings) sshOnly.facts().get(0);
        assertThat(s.pingResource()).isNull();
        assertThat(s.probeResources()).containsExactly(SSH);
        assertThat(sshOnly.resources()).containsKey(SSH).doesNotContainKey(PING);

        Engine e = boot(sshOnly, new NodeStore.InMemory());
        CommandAnswer unprobed = answer(e.command("switchover", "test"), "switchover");
        assertThat(unprobed.reason()).contains("heartbeat not listened for yet: the peer link listens for less than 1m; ssh"
                + " not probed yet; heartbeat and SSH"
                + " must all stay silent for 1m").doesNotContain("ping");

        e.heartbeat(activeBeat(0));
        e.advanceTo(5_000);
        e.probes(List.of(new ProbeResult(SSH, true, "127.0.0.1:2221: connected", 5_000)));
        e.tick();
        CommandAnswer answers = answer(e.command("switchover", "test"), "switchover");
        assertThat(answers.accepted()).isFalse();
        assertThat(answers.reason()).startsWith("the active is not completely down: heartbeat last heard 5s ago; ssh"
                + " answers (127.0.0.1:2221: connected); heartbeat and SSH must all stay silent for 1m");
    }

    @Test
    void withOnlyTheSshProbeTheSwitchoverIsGrantedOnceHeartbeatAndSshHaveBeenSilentForDownFor(
            @org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Engine e = boot(sshOnlyStandby(dir), new NodeStore.InMemory());
        answerAll(e);
        e.heartbeat(activeBeat(0));
        for (long t = 5_000; t <= DOWN_FOR; t += 5_000) {
            sshSilent(e, t);
        }
        CommandAnswer early = answer(e.command("switchover", "test"), "switchover");
        assertThat(early.accepted()).isFalse();
        assertThat(early.reason()).contains("the active is not completely down: ssh silent for 55s only;")
                .doesNotContain("ping", "heartbeat last heard");

        sshSilent(e, DOWN_FOR + 5_000);
        actions.clear();
        CommandAnswer granted = answer(e.command("switchover", "operator", java.util.Map.of("confirm", "true")),
                "switchover");

        assertThat(granted.accepted()).as(granted.reason()).isTrue();
        assertThat(granted.reason()).startsWith("switchover (operator): the active has been completely down for 1m"
                + " (no heartbeat, no SSH answer): taking over its address 127.0.0.1");
        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions).extracting(ActionRequest::action)
                .containsExactly("vip-up", "start-services", "mail-phones-restart");
    }

    @Test
    void withOnlyTheSshProbeAnSshAnswerStartsTheSilenceAnew(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Engine e = boot(sshOnlyStandby(dir), new NodeStore.InMemory());
        e.heartbeat(activeBeat(0));
        for (long t = 5_000; t <= 50_000; t += 5_000) {
            sshSilent(e, t);
        }
        e.advanceTo(55_000);
        e.probes(List.of(new ProbeResult(SSH, true, "127.0.0.1:2221: connected", 55_000)));
        for (long t = 60_000; t <= 110_000; t += 5_000) {
            sshSilent(e, t);
        }

        CommandAnswer a = answer(e.command("switchover", "test"), "switchover");

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("down: ssh silent for 50s only;");
    }

    /** The sample standby with {@code switchover.probes: [ssh]}, its files beside it in {@code dir}. */
    private static EngineSetup sshOnlyStandby(Path dir) throws java.io.IOException {
        Path samples = Fixtures.home().resolve("samples/redundancy");
        for (String f : List.of("cluster.secret", "users.txt", "standby.password")) {
            java.nio.file.Files.copy(samples.resolve(f), dir.resolve(f));
        }
        String yaml = java.nio.file.Files.readString(samples.resolve("standby.yaml"));
        assertThat(yaml).contains("    active-ssh-port: 2221\n");
        java.nio.file.Files.writeString(dir.resolve("standby.yaml"),
                yaml.replace("    active-ssh-port: 2221\n", "    active-ssh-port: 2221\n    probes: [ssh]\n"));
        ProfileSpec profile = ProfileSpec.load(Fixtures.home(), "redundancy");
        return Setups.of(ConfigLoader.load(dir.resolve("standby.yaml")), profile.transitions());
    }

    private static void sshSilent(Engine e, long t) {
        e.advanceTo(t);
        e.probes(List.of(new ProbeResult(SSH, false, "127.0.0.1:2221: connection refused", t)));
        e.tick();
    }

    @Test
    void aStoppedStandbyRefusesTheSwitchoverAndStartsAsStandbyAgain() {
        Engine e = boot(standby, new NodeStore.InMemory());
        answerAll(e);
        assertThat(answer(e.command("stop", "test"), "stop").accepted()).isTrue();
        answerAll(e);
        assertThat(e.node().state()).isEqualTo(NodeState.STOP);

        CommandAnswer a = answer(e.command("switchover", "test"), "switchover");
        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("this node is STOP (start it first)");

        assertThat(answer(e.command("start", "test"), "start").accepted()).isTrue();
        assertThat(e.node().state()).isEqualTo(NodeState.SECOND);
    }

    @Test
    void thePairCommandsAreRefusedWithWhatToUseInstead() {
        Engine e = boot(standby, new NodeStore.InMemory());

        assertThat(answer(e.command("swap", "test"), "swap").reason()).contains("switchover");
        assertThat(answer(e.command("force-start", "test"), "force-start").reason()).contains("switchover");
        assertThat(answer(e.command("sync", "test"), "sync").reason()).contains("schedule");
        assertThat(answer(e.command("boot-start-off", "test"), "boot-start-off").accepted()).isTrue();
    }

    // --- the standby's data age --------------------------------------------------------------------

    @Test
    void theStandbysDataIsUptodateUntilItsNewestBackupIsOlderThanTwoIntervals() {
        Engine e = boot(standby, new NodeStore.InMemory());
        assertThat(e.node().data()).isEqualTo(DataState.NOT_UPTODATE);

        e.advanceTo(10 * DAY);
        e.lastImport(new BackupImported(10 * DAY - 3_600_000, "backup-day-10.tar", DAY));
        assertThat(e.node().data()).isEqualTo(DataState.UPTODATE);
        assertThat(events).anySatisfy(ev -> assertThat(ev.reason())
                .isEqualTo("the newest imported backup, backup-day-10.tar, is 1h old, within two of the active's"
                        + " schedule intervals (2 x 1d)"));

        e.advanceTo(12 * DAY - 3_600_001);
        e.tick();
        assertThat(e.node().data()).isEqualTo(DataState.UPTODATE);

        e.advanceTo(12 * DAY - 3_600_000);
        e.tick();
        assertThat(e.node().data()).isEqualTo(DataState.NOT_UPTODATE);
        assertThat(events).last().satisfies(ev -> assertThat(ev.reason())
                .isEqualTo("the newest imported backup, backup-day-10.tar, is 2d old, more than two of the active's"
                        + " schedule intervals (2 x 1d): its backups stopped arriving"));

        e.lastImport(new BackupImported(12 * DAY - 60_000, "backup-day-12.tar", DAY));
        assertThat(e.node().data()).isEqualTo(DataState.UPTODATE);
    }

    @Test
    void anUnreadableImportRecordLeavesTheDataNotUptodateWithTheReason() {
        Engine e = boot(standby, new NodeStore.InMemory());
        e.lastImport(new BackupImported(0, "b.tar", DAY));
        assertThat(e.node().data()).isEqualTo(DataState.UPTODATE);

        e.lastImport(new ImportRecordUnreadable("state/last-import.json: at: missing"));

        assertThat(e.node().data()).isEqualTo(DataState.NOT_UPTODATE);
        assertThat(events).last().satisfies(ev -> assertThat(ev.reason())
                .isEqualTo("the age of this standby's data is unknown: state/last-import.json: at: missing"));
    }

    @Test
    void theActiveHasNoDataAge() {
        Engine e = boot(active, new NodeStore.InMemory());
        e.advanceTo(100 * DAY);
        e.tick();

        assertThat(e.node().data()).isEqualTo(DataState.UPTODATE);
    }

    @Test
    void theRulesPassTheSmokeRunFromEveryStateOnBothRoles() {
        ProfileSpec profile = ProfileSpec.load(Fixtures.home(), "redundancy");
        java.util.Collection<String> commands = tandem.routes.Catalogue.read(profile.routeFolders()).commands().keySet();
        assertThat(commands).contains("switchover", "start", "stop");

        assertThat(RuleSmoke.run(rules, active, 5_000, commands)).isEmpty();
        assertThat(RuleSmoke.run(rules, standby, 5_000, commands)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    private Engine boot(EngineSetup setup, NodeStore store) {
        Engine e = Fixtures.engine(rules, setup, store, events, actions);
        e.boot(false);
        e.linkListening();
        return e;
    }

    /** A heartbeat of the standby (as the active hears it). */
    private static Heartbeat standbyBeat(NodeState s, long generation, long at) {
        return new Heartbeat("standby", s, DataState.NOT_UPTODATE, generation, false, 100, at);
    }

    /** A heartbeat of the active (as the standby hears it), sent at {@code at}. */
    private static Heartbeat activeBeat(long at) {
        return new Heartbeat("active", NodeState.ALONE, DataState.UPTODATE, 1, true, 100, at);
    }

    /** Ping and SSH probes without an answer every 5 s from {@code from} to {@code to}. */
    private static void silentProbes(Engine e, long from, long to) {
        for (long t = from; t <= to; t += 5_000) {
            e.advanceTo(t);
            e.probes(List.of(new ProbeResult(PING, false, "127.0.0.1: no answer within 2s", t),
                    new ProbeResult(SSH, false, "127.0.0.1:2221: connection refused", t)));
            e.tick();
        }
    }

    /** Answers every action asked for, successfully, until none is left. */
    private void answerAll(Engine e) {
        for (int i = 0; i < 100 && !actions.isEmpty(); i++) {
            ActionRequest r = actions.remove(0);
            e.actionResult(new ActionResult(r.action(), true, "done", e.now()));
        }
    }

    private static CommandAnswer answer(CycleOutcome out, String command) {
        return out.answers().stream().filter(a -> a.command().equals(command)).findFirst().orElseThrow();
    }
}
