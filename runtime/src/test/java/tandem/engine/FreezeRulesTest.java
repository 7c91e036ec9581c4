package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.facts.ActionResult;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.facts.Settings;

/**
 * rules/pair/freeze.drl with the real ms-failover rules on a pseudo clock (failover timeout 30 s): a
 * node whose engine did not run for longer than the failover timeout treats itself as the silent one.
 */
class FreezeRulesTest extends EngineHarness {

    private static RuleSet rules;

    @BeforeAll
    static void compile() {
        rules = Fixtures.msFailoverRules();
    }

    /** node1 PRIM (generation 1) with node2 SECOND uptodate, services running, at 10 s. */
    private void primary() {
        engine = Fixtures.engine(rules, Fixtures.node1(), new tandem.engine.NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.heartbeat(Fixtures.peer(NodeState.WAIT, DataState.NOT_UPTODATE, 0, false));
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        engine.advanceTo(5_000);
        engine.actionResult(new ActionResult("start-services", true, "ok", 5_000));
        engine.advanceTo(10_000);
        engine.heartbeat(Fixtures.peer(NodeState.SECOND, DataState.UPTODATE, 1, false));
        assertThat(engine.node().state()).isEqualTo(NodeState.PRIM);
        actions.clear();
    }

    @Test
    void aPrimaryFrozenPastTheFailoverTimeoutStepsDownBeforeAnythingElseAndJoinsThePeerThatTookOver() {
        primary();
        engine.advanceTo(70_000);
        CycleOutcome out = engine.resumed(60_000);
        assertThat(out.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("A frozen active node steps down when it resumes");
            assertThat(d.reason()).contains("did not run for 1m", "failover timeout (30s)");
        });
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(engine.node().data()).as("nothing was written here meanwhile that the pair lost")
                .isEqualTo(DataState.UPTODATE);
        assertThat(actions()).containsExactly("stop-services", "vip-down");

        // what waited during the freeze: a tick (the last heartbeat is 60 s old) and the peer's frames
        engine.tick();
        assertThat(engine.node().state()).as("silence across the freeze is not the peer's").isEqualTo(NodeState.WAIT);
        engine.heartbeat(Fixtures.peer(NodeState.ALONE, DataState.UPTODATE, 2, true));
        engine.actionResult(new ActionResult("stop-services", true, "ok", 70_100));
        engine.actionResult(new ActionResult("vip-down", true, "ok", 70_100));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(engine.node().data()).isEqualTo(DataState.NOT_UPTODATE);
        assertThat(actions()).containsExactly("stop-services", "vip-down", "resync");
    }

    @Test
    void aPauseFoundWhenACycleReadsItsTimeIsTakenInBeforeTheSilenceItCaused() {
        // the process was stopped in the middle of a turn, after the loop's own check: the tick that
        // runs on after the resume reads a time 60 s on, and only then is the pause seen
        primary();
        long[] pending = {60_000};
        engine.pauses(() -> {
            long gap = pending[0];
            pending[0] = 0;
            return gap;
        });
        engine.advanceTo(70_000);
        CycleOutcome out = engine.tick();
        assertThat(out.applied()).extracting(d -> d.rule())
                .as("the stale silence of the peer decides nothing").containsExactly("A frozen active node steps down when it resumes");
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(engine.node().data()).isEqualTo(DataState.UPTODATE);
        assertThat(engine.node().generation()).as("no takeover of its own was counted").isEqualTo(1);
        assertThat(actions()).containsExactly("stop-services", "vip-down");
    }

    @Test
    void withoutAPeerTheFrozenNodeGoesAloneAgainOnceItHasListenedForTheFailoverTimeout() {
        primary();
        engine.advanceTo(70_000);
        engine.resumed(60_000);
        engine.actionResult(new ActionResult("stop-services", true, "ok", 70_000));
        engine.actionResult(new ActionResult("vip-down", true, "ok", 70_000));
        engine.advanceTo(99_999);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        engine.advanceTo(100_001);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(actions()).containsExactly("stop-services", "vip-down", "vip-up", "start-services");
        // going alone after the pause is not another pause to step down for
        engine.actionResult(new ActionResult("start-services", true, "ok", 100_100));
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
    }

    @Test
    void aSecondaryFrozenPastTheFailoverTimeoutDoesNotTakeOverButRejoinsAndResyncs() {
        engine = Fixtures.engine(rules, new EngineSetup(new Settings("node1", "node2", 10, 30_000, 2, 3, null, false),
                Map.of(), Fixtures.msFailoverTable()), new tandem.engine.NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.heartbeat(Fixtures.peer(NodeState.ALONE, DataState.UPTODATE, 1, true));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        engine.actionResult(new ActionResult("resync", true, "ok", 0));
        engine.heartbeat(Fixtures.peer(NodeState.PRIM, DataState.UPTODATE, 1, true));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
        assertThat(engine.node().data()).isEqualTo(DataState.UPTODATE);

        engine.advanceTo(60_000);
        CycleOutcome out = engine.resumed(60_000);
        assertThat(out.applied()).extracting(Object::toString).anySatisfy(d ->
                assertThat(d).contains("A frozen secondary leaves the pair when it resumes"));
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(engine.node().data()).isEqualTo(DataState.NOT_UPTODATE);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        engine.heartbeat(Fixtures.peer(NodeState.ALONE, DataState.UPTODATE, 2, true));
        assertThat(engine.node().state()).isEqualTo(NodeState.SECOND);
    }

    @Test
    void aShorterPauseChangesNoRoleAndTheSilenceIsCountedFromTheResume() {
        primary();
        engine.advanceTo(35_000);
        CycleOutcome out = engine.resumed(20_000);
        assertThat(out.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("A shorter pause of this node changes no role");
            assertThat(d.to()).isNull();
        });
        // the last heartbeat (10 s) is older than the failover timeout, but this node listened only since 35 s
        engine.advanceTo(41_000);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.PRIM);
        engine.advanceTo(65_001);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
    }

    /** The loop itself, on a settable monotonic clock: a pause of the process reaches the rules first. */
    @Test
    void aPauseOfTheProcessReachesTheRulesBeforeAnythingElseAndNoSnapshotIsHandedOutMeanwhile() throws Exception {
        Settings fast = new Settings("node1", "node2", 100, 400, 2, 3, null, false);
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        CountDownLatch alone = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch steppedDown = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicReference<String> rule = new AtomicReference<>();
        EngineLoop loop = new EngineLoop("node1", () -> {
            Engine e = new Engine(rules.kieBase(), new EngineSetup(fast, Map.of(), Fixtures.msFailoverTable()), false, new NodeStore.InMemory(),
                    r -> { }, ev -> {
                        if ("action".equals(ev.kind()) && "start-services".equals(ev.action()) && first.getAndSet(false)) {
                            // the engine's thread is busy in the cycle that took the role while the test looks
                            alone.countDown();
                            await(hold);
                        }
                        if ("state".equals(ev.kind()) && "ALONE".equals(ev.from()) && "WAIT".equals(ev.to())) {
                            rule.set(ev.rule());
                            steppedDown.countDown();
                        }
                    });
            e.boot(false);
            e.linkListening();
            return e;
        }, nanos::get);
        try {
            loop.start();
            // the check timer of a node: a tick every 20 ms until the node has gone alone (no peer)
            for (int i = 0; i < 500 && !alone.await(20, TimeUnit.MILLISECONDS); i++) {
                loop.tick();
            }
            assertThat(alone.getCount()).as("the node went alone").isZero();
            long tookRole = System.currentTimeMillis();
            assertThat(loop.current()).isNotNull();

            nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
            assertThat(loop.current()).as("no snapshot from before the pause").isNull();
            // the session clock is the wall clock: the resume is a later millisecond than the takeover
            while (System.currentTimeMillis() <= tookRole + 1) {
                LockSupport.parkNanos(1_000_000L);
            }
            hold.countDown();
            assertThat(steppedDown.await(10, TimeUnit.SECONDS)).as("the node stepped down after the pause").isTrue();
            assertThat(rule.get()).isEqualTo("A frozen active node steps down when it resumes");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (loop.current() == null && System.nanoTime() < end) {
                LockSupport.parkNanos(10_000_000L);
            }
            assertThat(loop.current().state()).isEqualTo(NodeState.WAIT);
        } finally {
            hold.countDown();
            loop.close();
        }
    }

    /** A slow engine thread (say, a slow disk under its state file) is no pause: the process ran. */
    @Test
    void aStallOfTheEngineThreadAloneIsNoPause() throws Exception {
        Settings slow = new Settings("node1", "node2", 100, 6_000, 2, 3, null, false);
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
        EngineLoop loop = new EngineLoop("node1", () -> {
            Engine e = new Engine(rules.kieBase(), new EngineSetup(slow, Map.of(), Fixtures.msFailoverTable()), false, new NodeStore.InMemory(),
                    r -> { }, ev -> {
                        said.add(ev.rule() + ": " + ev.reason());
                        if (ev.reason().startsWith("heartbeat from \"node9\"")) {
                            stalled.countDown();
                            await(hold);
                        }
                    });
            e.boot(false);
            return e;
        });
        try {
            loop.start();
            loop.observe(new Heartbeat("node9", NodeState.ALONE, DataState.UPTODATE, 9, true, 0, 0));
            assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3_500);
            while (System.nanoTime() < until) {
                assertThat(loop.current()).as("the node keeps speaking while only its engine is slow").isNotNull();
                LockSupport.parkNanos(100_000_000L);
            }
            hold.countDown();
            loop.observe(new Heartbeat("node9", NodeState.WAIT, DataState.UPTODATE, 9, false, 0, 0));
            loop.submit("start");
            assertThat(said).noneMatch(x -> x.contains("did not run"));
        } finally {
            hold.countDown();
            loop.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
