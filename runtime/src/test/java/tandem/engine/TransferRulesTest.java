package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

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
import tandem.facts.NodeState;
import tandem.facts.RedundancySettings;
import tandem.facts.TransferDue;

/**
 * rules/redundancy/transfer.drl and import.drl with the rest of the redundancy profile's rules, on a
 * pseudo clock with the sample nodes' setups: the scheduled transfer runs on the serving active only
 * (RED-1, RED-8), once at a time, its failure is mailed when transfer.mails is on (RED-4), and the
 * standby import runs only when confirmed, on a standby that has not switched over (RED-7).
 */
class TransferRulesTest {
    private static final String WHY = "the run of 24.12.2026 02:30 Europe/Berlin is due";

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
    void theSettingsCarryTheAttemptsAndWhetherFailuresAreMailed() {
        RedundancySettings a = (RedundancySettings) active.facts().get(0);
        assertThat(a.attempts()).isEqualTo(3);
        assertThat(a.transferMails()).isTrue();
        RedundancySettings s = (RedundancySettings) standby.facts().get(0);
        assertThat(s.attempts()).isZero();
        assertThat(s.transferMails()).isFalse();
    }

    @Test
    void theServingActiveSendsABackupWhenARunIsDue() {
        Engine e = servingActive(active);

        e.transferDue(due(e));

        assertThat(actions).extracting(ActionRequest::action).containsExactly("transfer-backup");
        assertThat(actions.get(0).reason()).isEqualTo(WHY + ": creating a full backup and sending it to the standby,"
                + " up to 3 attempt(s) (RED-1, RED-4)");
        assertThat(actions.get(0).rule()).isEqualTo("The active sends a backup to its standby when a run is due");
    }

    @Test
    void aDueRunWaitsWhileATransferIsUnderWay() {
        Engine e = servingActive(active);
        e.transferDue(due(e));
        actions.clear();

        e.advanceTo(e.now() + 1_000);
        e.transferDue(due(e));

        assertThat(actions).as("one transfer at a time: the due run is the one under way").isEmpty();
    }

    @Test
    void anActiveThatDoesNotServeSendsNothingUntilItServes() {
        Engine e = boot(active);
        assertThat(e.node().state()).isEqualTo(NodeState.WAIT);

        e.transferDue(due(e));
        assertThat(actions).isEmpty();

        e.heartbeat(new Heartbeat("standby", NodeState.SECOND, DataState.NOT_UPTODATE, 0, false, 100, 1_000));
        answerAll(e);
        e.transferDue(due(e));

        assertThat(actions).extracting(ActionRequest::action).containsExactly("transfer-backup");
    }

    @Test
    void aStandbyNeverSendsABackup() {
        Engine e = boot(standby);
        answerAll(e);
        assertThat(e.node().state()).isEqualTo(NodeState.SECOND);

        e.transferDue(due(e));

        assertThat(actions).as("RED-8: the standby is passive").isEmpty();
    }

    @Test
    void aFailedTransferIsMailedToTheErrorAddressWhenMailsAreOn() {
        Engine e = servingActive(active);
        e.transferDue(due(e));
        actions.clear();

        e.actionResult(new ActionResult("transfer-backup", false, "the backup transfer to the standby failed after 3"
                + " attempt(s): cannot connect to ssh 127.0.0.1:2222: Connection refused", e.now()));

        assertThat(actions).extracting(ActionRequest::action).containsExactly("mail-transfer-failed");
        assertThat(actions.get(0).reason()).isEqualTo("the backup transfer to the standby failed after 3 attempt(s):"
                + " cannot connect to ssh 127.0.0.1:2222: Connection refused; mailing the error report to"
                + " transfer.error-to (RED-4)");
    }

    @Test
    void aFailedTransferIsOnlyLoggedWhenMailsAreOff() {
        RedundancySettings s = (RedundancySettings) active.facts().get(0);
        EngineSetup quiet = new EngineSetup(active.settings(), active.resources(), active.transitions(),
                List.of(new RedundancySettings(s.standby(), s.downForMs(), s.activeAddress(), s.pingResource(),
                        s.sshResource(), s.probeResources(), s.checklist(), s.users(), s.attempts(), false)));
        Engine e = servingActive(quiet);
        e.transferDue(due(e));
        actions.clear();

        e.actionResult(new ActionResult("transfer-backup", false, "it failed", e.now()));

        assertThat(actions).isEmpty();
        assertThat(events).anySatisfy(ev -> assertThat(ev.reason())
                .isEqualTo("it failed; no error mail: transfer.mails is off (RED-4)"));
    }

    @Test
    void aTransferThatSucceededIsNotedWithWhatItDid() {
        Engine e = servingActive(active);
        e.transferDue(due(e));
        actions.clear();

        e.actionResult(new ActionResult("transfer-backup", true, "backup b.backup sent", e.now()));

        assertThat(actions).isEmpty();
        assertThat(events).anySatisfy(ev -> assertThat(ev.reason()).isEqualTo("backup b.backup sent"));
    }

    // --- the standby import (RED-7) ------------------------------------------------------------------

    @Test
    void standbyImportWithoutConfirmationIsRefusedSayingWhatItWouldOverwrite() {
        Engine e = boot(standby);
        answerAll(e);

        CommandAnswer a = answer(e.command("standby-import", "test", java.util.Map.of("file", "/var/backup/full.backup")));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).isEqualTo("standby-import overwrites this standby's appliance data, the data it holds"
                + " now (no backup of the active imported yet), with /var/backup/full.backup"
                + " (redundancy.import.command), after verifying it (license, version, SHA-256); confirm with:"
                + " tandem command standby-import --file /var/backup/full.backup --confirm (RED-7)");
        assertThat(actions).isEmpty();

        e.lastImport(new BackupImported(e.now(), "backup-20261224-013000.backup", 86_400_000L));
        CommandAnswer again = answer(e.command("standby-import", "test", java.util.Map.of("file", "/f.backup")));
        assertThat(again.reason()).contains("the data of the backup imported last, backup-20261224-013000.backup");
    }

    @Test
    void confirmedStandbyImportRunsTheImportOnTheNamedFile() {
        Engine e = boot(standby);
        answerAll(e);

        CommandAnswer a = answer(e.command("standby-import", "test",
                java.util.Map.of("file", "/var/backup/full.backup", "confirm", "true")));

        assertThat(a.accepted()).isTrue();
        assertThat(actions).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo("standby-import");
            assertThat(r.arg("file")).isEqualTo("/var/backup/full.backup");
        });
        int before = events.size();
        CommandAnswer second = answer(e.command("standby-import", "test",
                java.util.Map.of("file", "/var/backup/full.backup", "confirm", "true")));
        assertThat(second.accepted()).isFalse();
        assertThat(second.reason()).isEqualTo("an import runs already; wait for its result");

        e.actionResult(new ActionResult("standby-import", false, "refused: full.backup is a backup of version 8.5.0",
                e.now()));
        assertThat(events.subList(before, events.size())).anySatisfy(ev -> assertThat(ev.reason())
                .isEqualTo("standby import failed: refused: full.backup is a backup of version 8.5.0"));
    }

    @Test
    void standbyImportNeedsAFileAndIsRefusedOnTheActive() {
        Engine s = boot(standby);
        answerAll(s);
        CommandAnswer noFile = answer(s.command("standby-import", "test", java.util.Map.of("confirm", "true")));
        assertThat(noFile.accepted()).isFalse();
        assertThat(noFile.reason()).startsWith("name the full backup of the active to import");

        Engine a = servingActive(active);
        CommandAnswer onActive = answer(a.command("standby-import", "test",
                java.util.Map.of("file", "/f", "confirm", "true")));
        assertThat(onActive.accepted()).isFalse();
        assertThat(onActive.reason()).startsWith("this node is the active");
    }

    @Test
    void aSwitchedStandbyRefusesAnImport() {
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.ALONE, DataState.UPTODATE, 1));
        Engine e = Fixtures.engine(rules, standby, store, events, actions);
        e.boot(false);
        answerAll(e);
        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);

        CommandAnswer a = answer(e.command("standby-import", "test", java.util.Map.of("file", "/f", "confirm", "true")));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("serves in the active's place");
    }

    @Test
    void theRulesSurviveTheSmokeTestWithTheNewCommand() {
        List<String> commands = List.of("standby-import", "switchover", "stop", "start");
        assertThat(RuleSmoke.run(rules, active, 5_000, commands)).isEmpty();
        assertThat(RuleSmoke.run(rules, standby, 5_000, commands)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    private Engine boot(EngineSetup setup) {
        Engine e = Fixtures.engine(rules, setup, new NodeStore.InMemory(), events, actions);
        e.boot(false);
        e.linkListening();
        return e;
    }

    /** The active, serving (ALONE, modules running) after it heard its standby. */
    private Engine servingActive(EngineSetup setup) {
        Engine e = boot(setup);
        e.heartbeat(new Heartbeat("standby", NodeState.SECOND, DataState.NOT_UPTODATE, 0, false, 100, 1_000));
        answerAll(e);
        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);
        return e;
    }

    private static TransferDue due(Engine e) {
        return new TransferDue(e.now(), false, WHY, e.now());
    }

    private void answerAll(Engine e) {
        for (int i = 0; i < 100 && !actions.isEmpty(); i++) {
            ActionRequest r = actions.remove(0);
            e.actionResult(new ActionResult(r.action(), true, "done", e.now()));
        }
    }

    private static CommandAnswer answer(CycleOutcome out) {
        return out.answers().get(0);
    }
}
