package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tandem.facts.ActionResult;
import tandem.facts.DataState;
import tandem.facts.NodeState;

/**
 * The loop guard ({@code rules.loop-guard}): a rule that asks for the same action more often than the
 * settings allow is suspended with an ERROR naming it; the engine and the other rules go on.
 */
class LoopGuardTest extends EngineHarness {


    private RuleSet withSiteRule(Path tmp, String drl) throws Exception {
        Path site = Fixtures.drlFolder(tmp, "site.drl", HEADER + drl);
        return RuleSet.compile(Fixtures.msFailoverFolders(List.of(site)));
    }

    @Test
    void aRuleThatActsAtEveryCheckIsSuspendedAndTheEngineGoesOn(@TempDir Path tmp) throws Exception {
        RuleSet rules = withSiteRule(tmp, """
                rule "Test mail at every check"
                when
                    Tick()
                then
                    insert(Decision.by(drools).act("mail-test").because("again"));
                end
                """);
        EngineSetup setup = new EngineSetup(Fixtures.node1().settings().withLoopGuard(3, 10_000), Map.of(), Fixtures.msFailoverTable());
        Logger log = (Logger) LoggerFactory.getLogger(Engine.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            engine = Fixtures.engine(rules, setup, new NodeStore.InMemory(), events, actions);
            engine.boot(false);
            engine.linkListening();
            // one check every 3 s: the fourth ask within 10 s is one too many
            for (long t = 3_000; t <= 12_000; t += 3_000) {
                engine.advanceTo(t);
                engine.tick();
            }
        } finally {
            log.detachAppender(appender);
        }
        assertThat(asked("mail-test")).isEqualTo(3);
        assertThat(engine.suspended()).containsOnlyKeys("Test mail at every check");
        assertThat(appender.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).contains("rule \"Test mail at every check\"", "action mail-test",
                    "more than 3 times within 10s", "suspended");
        });
        assertThat(engine.status().suspended()).singleElement().asString().contains("Test mail at every check");
        assertThat(events).anySatisfy(e -> {
            assertThat(e.rule()).isEqualTo("Test mail at every check");
            assertThat(e.reason()).startsWith("suspended: asked for action mail-test more than 3 times within 10s");
        });

        // suspended for good, and every other rule goes on: the node goes alone after the failover timeout
        for (long t = 15_000; t <= 30_000; t += 3_000) {
            engine.advanceTo(t);
            engine.tick();
        }
        assertThat(asked("mail-test")).isEqualTo(3);
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(asked("start-services")).isEqualTo(1);
    }

    @Test
    void aRuleThatAnswersItsOwnResultsIsSuspendedAtTheSameInstant(@TempDir Path tmp) throws Exception {
        RuleSet rules = withSiteRule(tmp, """
                rule "Announce the address again and again"
                when
                    LocalNode(state == NodeState.ALONE)
                    ActionResult(action == "vip-up")
                then
                    insert(Decision.by(drools).act("vip-up").because("once more"));
                end
                """);
        engine = Fixtures.aloneWithoutPeer(rules, events, actions);
        // every vip-up's result asks for the next one, at the same instant
        for (int i = 0; i < 100 && engine.suspended().isEmpty(); i++) {
            engine.actionResult(new ActionResult("vip-up", true, "done", 30_000));
        }
        assertThat(engine.suspended()).containsOnlyKeys("Announce the address again and again");
        assertThat(asked("vip-up")).as("the takeover's own, then the default limit of 20").isEqualTo(1 + 20);
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(engine.node().data()).isEqualTo(DataState.UPTODATE);
    }

    @Test
    void routineDecisionsAreNotCounted() {
        RuleSet rules = Fixtures.msFailoverRules();
        EngineSetup setup = new EngineSetup(Fixtures.node1().settings().withLoopGuard(2, 60_000), Map.of(), Fixtures.msFailoverTable());
        engine = Fixtures.engine(rules, setup, new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.heartbeat(Fixtures.peer(NodeState.ALONE, DataState.UPTODATE, 1, true));
        engine.actionResult(new ActionResult("resync", true, "ok", 0));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        engine.heartbeat(Fixtures.peer(NodeState.PRIM, DataState.UPTODATE, 1, true));
        // a busy primary's change notices: one sync cycle after the other, far more than 2 a minute
        for (long t = 1_000; t <= 10_000; t += 1_000) {
            engine.advanceTo(t);
            engine.heartbeat(Fixtures.peer(NodeState.PRIM, DataState.UPTODATE, 1, true));
            engine.syncDue(new tandem.facts.SyncDue(false, "files changed", t));
            engine.actionResult(new ActionResult("sync", true, "ok", t));
        }
        assertThat(asked("sync")).isEqualTo(10);
        assertThat(engine.suspended()).isEmpty();
    }
}
