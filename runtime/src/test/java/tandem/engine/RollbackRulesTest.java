package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.ActionResult;
import tandem.facts.DataState;
import tandem.facts.NodeState;
import tandem.facts.RedundancySettings;
import tandem.facts.RollbackProgress;
import tandem.facts.RollbackProgress.Status;
import tandem.facts.RollbackRecordUnreadable;
import tandem.facts.RollbackSettings;

/**
 * The guided rollback's rules (rules/redundancy/rollback.drl, with the rest of the redundancy profile's)
 * on a pseudo clock, with the engine setup of {@code samples/redundancy/standby.yaml}: which step may
 * run next, the refusals and their reasons, the progress the node keeps, and the node's state through it.
 */
class RollbackRulesTest {
    private static final Map<String, String> CONFIRM = Map.of("confirm", "true");
    private static final Map<String, String> STATUS = Map.of("status", "true");

    private static RuleSet rules;
    private static EngineSetup standby;
    private static EngineSetup active;

    private final List<EngineEvent> events = new ArrayList<>();
    private final List<ActionRequest> actions = new ArrayList<>();
    /** What the node kept of the progress, newest last. */
    private final List<RollbackProgress> kept = new ArrayList<>();

    @BeforeAll
    static void compile() {
        ProfileSpec profile = ProfileSpec.load(Fixtures.home(), "redundancy");
        rules = RuleSet.compile(profile.ruleFolders());
        standby = setup("standby", profile);
        active = setup("active", profile);
    }

    private static EngineSetup setup(String node, ProfileSpec profile) {
        NodeConfig c = ConfigLoader.load(Fixtures.home().resolve("samples/redundancy").resolve(node + ".yaml"));
        return Setups.of(c, profile.transitions());
    }

    @Test
    void theStandbysSetupSaysWhatTandemRunsOfTheRollback() {
        assertThat(standby.facts()).contains(new RollbackSettings(true, true, "127.0.0.1"));
        assertThat(active.facts()).noneMatch(f -> f instanceof RollbackSettings);
    }

    @Test
    void theRollbackIsRefusedOnTheActive() {
        Engine e = boot(active, new NodeStore.InMemory());

        CommandAnswer a = rollback(e, Map.of());

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("this node is the active: the rollback is run on the standby that switched over");
    }

    @Test
    void aStandbyThatHasNotSwitchedOverHasNoRollbackAndShowsThePlan() {
        Engine e = boot(standby, new NodeStore.InMemory());
        assertThat(e.node().state()).isEqualTo(NodeState.SECOND);

        CommandAnswer run = rollback(e, Map.of());
        assertThat(run.accepted()).isFalse();
        assertThat(run.reason()).isEqualTo("this standby has not switched over (it is SECOND): there is no rollback to run");

        CommandAnswer status = rollback(e, STATUS);
        assertThat(status.accepted()).isTrue();
        assertThat(status.reason()).startsWith("no rollback has run on this node").contains("1) backup: ",
                "4) boot-original: ", "9) redundancy: ");
        assertThat(rollback(e, CONFIRM).reason()).isEqualTo("no rollback is underway: there is no step to confirm");
        assertThat(kept).isEmpty();
    }

    @Test
    void everyStepRunsOnlyAfterTheOneBeforeWasConfirmedAndTheRoleGoesBack() {
        Engine e = switchedStandby();

        // step 1: Tandem backs the node up
        CommandAnswer backup = rollback(e, Map.of());
        assertThat(backup.accepted()).as(backup.reason()).isTrue();
        assertThat(backup.reason()).startsWith("step 1 of 9 (backup): making a full backup of this node");
        assertThat(actions).extracting(ActionRequest::action).containsExactly("rollback-backup");
        assertThat(last().currentStatus()).isEqualTo(Status.RUNNING);
        assertThat(rollback(e, Map.of()).reason()).isEqualTo("step 1 of 9 (backup) is running (waiting for the outcome"
                + " of action rollback-backup); see tandem command rollback --status");
        assertThat(rollback(e, CONFIRM).accepted()).isFalse();

        answerAll(e);
        assertThat(last().currentStatus()).isEqualTo(Status.DONE);
        assertThat(rollback(e, Map.of()).reason()).isEqualTo("step 1 of 9 (backup) is not confirmed yet (done); check it,"
                + " then confirm it with: tandem command rollback --confirm");
        CommandAnswer confirmed = rollback(e, CONFIRM);
        assertThat(confirmed.accepted()).isTrue();
        assertThat(confirmed.reason()).startsWith("step 1 of 9 (backup) confirmed (test); next: step 2 of 9 (address)");
        assertThat(rollback(e, CONFIRM).reason()).isEqualTo("step 2 of 9 (address) has not run yet: run it with:"
                + " tandem command rollback");

        // step 2: the active's address is released
        assertThat(rollback(e, Map.of()).accepted()).isTrue();
        assertThat(actions).extracting(ActionRequest::action).containsExactly("rollback-address");
        answerAll(e);
        assertThat(rollback(e, CONFIRM).accepted()).isTrue();

        // step 3: the modules stop and the node stays stopped
        CommandAnswer shutdown = rollback(e, Map.of());
        assertThat(shutdown.reason()).startsWith("step 3 of 9 (shutdown): stopping this node's modules");
        assertThat(actions).extracting(ActionRequest::action).containsExactly("stop-services");
        answerAll(e);
        assertThat(e.node().state()).isEqualTo(NodeState.STOP);
        assertThat(last().currentStatus()).isEqualTo(Status.DONE);
        assertThat(rollback(e, CONFIRM).accepted()).isTrue();
        CommandAnswer start = answer(e.command("start", "test"), "start");
        assertThat(start.accepted()).isFalse();
        assertThat(start.reason()).contains("the rollback shut this node's modules down");

        // step 4: the operator boots the original
        CommandAnswer boot = rollback(e, Map.of());
        assertThat(boot.reason()).startsWith("step 4 of 9 (boot-original) is yours, by hand: power on the original active"
                + " (127.0.0.1)");
        assertThat(actions).isEmpty();
        assertThat(last().currentStatus()).isEqualTo(Status.BY_HAND);
        assertThat(rollback(e, CONFIRM).accepted()).isTrue();

        // steps 5 and 6: Tandem imports on the original and restores its identity there
        assertThat(rollback(e, Map.of()).reason()).startsWith("step 5 of 9 (import): uploading");
        assertThat(actions).extracting(ActionRequest::action).containsExactly("rollback-import");
        answerAll(e);
        assertThat(rollback(e, CONFIRM).accepted()).isTrue();
        assertThat(rollback(e, Map.of()).reason()).startsWith("step 6 of 9 (restore): running");
        assertThat(actions).extracting(ActionRequest::action).containsExactly("rollback-restore");
        answerAll(e);
        assertThat(rollback(e, CONFIRM).accepted()).isTrue();

        // step 7: the hand-back makes this node the standby again
        CommandAnswer handback = rollback(e, Map.of());
        assertThat(handback.accepted()).as(handback.reason()).isTrue();
        assertThat(e.node().generation()).isZero();
        answerAll(e);
        assertThat(e.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(e.services().running()).isFalse();
        assertThat(rollback(e, CONFIRM).accepted()).isTrue();

        // steps 8 and 9: the phones, then the redundancy by hand
        assertThat(rollback(e, Map.of()).reason()).startsWith("step 8 of 9 (phones): mailing 2 user(s)");
        assertThat(actions).extracting(ActionRequest::action).containsExactly("rollback-phones");
        answerAll(e);
        assertThat(rollback(e, CONFIRM).accepted()).isTrue();
        assertThat(rollback(e, Map.of()).reason()).startsWith("step 9 of 9 (redundancy) is yours, by hand");
        CommandAnswer complete = rollback(e, CONFIRM);
        assertThat(complete.reason()).endsWith("the rollback is complete (RED-12)");

        assertThat(last().complete()).isTrue();
        assertThat(last().steps()).allMatch(s -> s.status() == Status.CONFIRMED && s.at() == 60_000);
        assertThat(rollback(e, STATUS).reason()).startsWith("rollback complete");
        assertThat(rollback(e, Map.of()).reason()).startsWith("this standby has not switched over (it is SECOND)");
    }

    @Test
    void aFailedStepCannotBeConfirmedAndRunsAgain() {
        Engine e = switchedStandby();
        rollback(e, Map.of());
        ActionRequest r = actions.remove(0);
        e.actionResult(new ActionResult(r.action(), false, "the backup command failed (exit code 2: disk full)", e.now()));

        assertThat(last().currentStatus()).isEqualTo(Status.FAILED);
        assertThat(events).anySatisfy(ev -> assertThat(ev.reason()).isEqualTo("step 1 of 9 (backup) failed: the backup"
                + " command failed (exit code 2: disk full); remove the cause, then run it again with: tandem command"
                + " rollback"));
        CommandAnswer confirm = rollback(e, CONFIRM);
        assertThat(confirm.accepted()).isFalse();
        assertThat(confirm.reason()).startsWith("step 1 of 9 (backup) failed (the backup command failed");

        CommandAnswer again = rollback(e, Map.of());
        assertThat(again.accepted()).isTrue();
        assertThat(actions).extracting(ActionRequest::action).containsExactly("rollback-backup");
    }

    @Test
    void aSwitchedStandbyThatIsNotServingDoesNotStartARollback() {
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.STOP, DataState.UPTODATE, 1));
        Engine e = Fixtures.engine(rules, standby, store, events, actions);
        e.boot(true);

        CommandAnswer a = rollback(e, Map.of());

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).isEqualTo("the rollback starts on the switched standby while it serves in the active's"
                + " place (ALONE); this node is STOP (start it first)");
    }

    @Test
    void aRestartWhileTheRollbackHoldsTheNodeStoppedKeepsItStoppedAndGoesOn() {
        RollbackProgress p = atShutdownConfirmed();
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.STOP, DataState.UPTODATE, 1));
        Engine e = Fixtures.engine(rules, standby, store, events, actions);
        e.keeping(RollbackProgress.class, kept::add);
        e.recall(p.asResumed());
        e.boot(false);
        e.linkListening();
        answerAll(e);

        assertThat(e.node().state()).as("not back in service: the rollback holds it").isEqualTo(NodeState.STOP);
        assertThat(events).noneSatisfy(ev -> assertThat(ev.action()).isEqualTo("vip-up"));
        CommandAnswer status = rollback(e, STATUS);
        assertThat(status.reason()).startsWith("rollback at step 4 of 9 (boot-original, pending)");
        assertThat(rollback(e, Map.of()).reason()).startsWith("step 4 of 9 (boot-original) is yours");
    }

    @Test
    void aStepCutOffByARestartCountsAsFailed() {
        RollbackProgress p = atShutdownConfirmed().byHand("boot-original", "by hand", 1).confirmed("boot-original", 2)
                .running("import", "rollback-import", 3);
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.STOP, DataState.UPTODATE, 1));
        Engine e = Fixtures.engine(rules, standby, store, events, actions);
        e.keeping(RollbackProgress.class, kept::add);
        e.recall(p.asResumed());
        e.boot(false);

        assertThat(last().currentStatus()).isEqualTo(Status.FAILED);
        assertThat(last().resumed()).isFalse();
        assertThat(last().currentDetail()).isEqualTo("Tandem stopped while this step ran (waiting for rollback-import):"
                + " its outcome is unknown");
        assertThat(rollback(e, Map.of()).reason()).startsWith("step 5 of 9 (import): uploading");
    }

    @Test
    void withoutARollbackSectionTheBackupImportAndRestoreAreTheOperatorsByHand() {
        RedundancySettings s = (RedundancySettings) standby.facts().get(0);
        EngineSetup bare = new EngineSetup(standby.settings(), standby.resources(), standby.transitions(),
                List.of(s, new RollbackSettings(false, false, "127.0.0.1")));
        Engine e = switchedStandby(bare);

        CommandAnswer backup = rollback(e, Map.of());

        assertThat(backup.accepted()).isTrue();
        assertThat(backup.reason()).startsWith("step 1 of 9 (backup) is yours, by hand (no redundancy.rollback section)");
        assertThat(actions).isEmpty();
        assertThat(last().currentStatus()).isEqualTo(Status.BY_HAND);
    }

    @Test
    void anUnreadableRecordStopsTheRollbackWithTheFileAndField() {
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.ALONE, DataState.UPTODATE, 1));
        Engine e = Fixtures.engine(rules, standby, store, events, actions);
        e.recall(new RollbackRecordUnreadable("/var/lib/tandem/rollback.json: steps[2].status: must be one of ..."));
        e.boot(false);

        for (Map<String, String> args : List.of(Map.<String, String>of(), CONFIRM, STATUS)) {
            CommandAnswer a = rollback(e, args);
            assertThat(a.accepted()).isFalse();
            assertThat(a.reason()).isEqualTo("the rollback's progress cannot be read: /var/lib/tandem/rollback.json:"
                    + " steps[2].status: must be one of ...; fix the file, or move it away to start the rollback anew");
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The standby after a switchover (generation 1), serving again after a restart, its actions answered. */
    private Engine switchedStandby() {
        return switchedStandby(standby);
    }

    private Engine switchedStandby(EngineSetup setup) {
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.ALONE, DataState.UPTODATE, 1));
        Engine e = Fixtures.engine(rules, setup, store, events, actions);
        e.keeping(RollbackProgress.class, kept::add);
        e.boot(false);
        e.linkListening();
        answerAll(e);
        assertThat(e.node().state()).isEqualTo(NodeState.ALONE);
        e.advanceTo(60_000);
        return e;
    }

    /** A rollback whose steps 1 to 3 are confirmed, as it would read back from its file. */
    private static RollbackProgress atShutdownConfirmed() {
        RollbackProgress p = RollbackProgress.start(1, List.of(
                RollbackProgress.step("backup", "b"), RollbackProgress.step("address", "a"),
                RollbackProgress.step("shutdown", "s"), RollbackProgress.step("boot-original", "o"),
                RollbackProgress.step("import", "i"), RollbackProgress.step("restore", "r"),
                RollbackProgress.step("handback", "h"), RollbackProgress.step("phones", "p"),
                RollbackProgress.step("redundancy", "y")));
        for (String s : List.of("backup", "address", "shutdown")) {
            p = p.finished(s, true, "done", 1).confirmed(s, 1);
        }
        return p;
    }

    private RollbackProgress last() {
        assertThat(kept).as("the node kept the progress").isNotEmpty();
        return kept.get(kept.size() - 1);
    }

    private Engine boot(EngineSetup setup, NodeStore store) {
        Engine e = Fixtures.engine(rules, setup, store, events, actions);
        e.keeping(RollbackProgress.class, kept::add);
        e.boot(false);
        e.linkListening();
        answerAll(e);
        return e;
    }

    private static CommandAnswer rollback(Engine e, Map<String, String> args) {
        return answer(e.command("rollback", "test", args), "rollback");
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
