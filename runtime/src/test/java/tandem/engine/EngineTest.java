package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tandem.facts.ActionResult;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

class EngineTest {

    private static final String HEADER = "package tandem.rules;\nimport tandem.facts.*;\n";
    private static RuleSet rules;
    private final List<EngineEvent> events = new ArrayList<>();
    private Engine engine;

    @BeforeAll
    static void compile() {
        rules = Fixtures.msFailoverRules();
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aFreshNodeBootsIntoWaitUptodateAndGoesAloneAfterTheTimeoutWithoutPeer() {
        engine = Fixtures.engine(rules, events);
        engine.boot(false);
        engine.linkListening();
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(engine.node().data()).isEqualTo(DataState.UPTODATE);
        engine.advanceTo(29_999);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        engine.advanceTo(30_000);
        CycleOutcome out = engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(engine.node().generation()).as("entering ALONE starts a generation").isEqualTo(1);
        assertThat(out.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("Waiting node with current data goes alone when the peer stays silent");
            assertThat(d.reason()).contains("30s");
            assertThat(d.actions()).containsExactly("vip-up", "start-services");
        });
    }

    @Test
    void thePeersSilenceCountsFromWhenTheLinkListensNotFromBoot() {
        engine = Fixtures.engine(rules, events);
        engine.boot(false);
        // a slow start: the link listens a minute after the engine booted, twice the failover timeout
        for (long t = 1_000; t <= 60_000; t += 1_000) {
            engine.advanceTo(t);
            engine.tick();
        }
        assertThat(engine.node().state()).as("nothing could be heard yet").isEqualTo(NodeState.WAIT);
        engine.linkListening();
        engine.advanceTo(89_999);
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        engine.advanceTo(90_000);
        engine.tick();
        assertThat(engine.node().state()).as("30 s after the link listens").isEqualTo(NodeState.ALONE);
        engine.linkListening();
        assertThat(engine.node().state()).as("only the first report counts").isEqualTo(NodeState.ALONE);
    }

    @Test
    void aNodeThatDiedWhilePairedBootsNotUptodateAndWaits() {
        NodeStore store = new NodeStore.InMemory();
        store.save(new PersistedNode(NodeState.PRIM, DataState.UPTODATE, 4));
        engine = Fixtures.engine(rules, Fixtures.node1(), store, events, new ArrayList<>());
        engine.boot(false);
        engine.linkListening();
        assertThat(engine.node().data()).isEqualTo(DataState.NOT_UPTODATE);
        assertThat(engine.node().generation()).isEqualTo(4);
        for (long t = 1_000; t <= 120_000; t += 1_000) {
            engine.advanceTo(t);
            engine.tick();
        }
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(events).filteredOn(e -> "Waiting node with stale data waits for its peer".equals(e.rule()))
                .as("said once, not at every check").hasSize(1);
    }

    @Test
    void theEngineRefusesADecisionThatIsNotInTheTransitionTable(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.drlFolder(tmp, "bad.drl", HEADER + """
                rule "Jump straight to PRIM"
                when
                    LocalNode(state == NodeState.WAIT)
                then
                    insert(Decision.by(drools).to(NodeState.PRIM).because("impatient"));
                end
                """);
        RuleSet bad = RuleSet.compile(List.of(dir));
        engine = Fixtures.engine(bad, events);
        engine.boot(false);
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("log");
            assertThat(e.rule()).isEqualTo("Jump straight to PRIM");
            assertThat(e.reason()).isEqualTo("refused: WAIT -> PRIM is not in the transition table");
        });
    }

    @Test
    void aRuleThatKeepsReFiringIsStoppedAndNamed(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.drlFolder(tmp, "loop.drl", HEADER + """
                rule "Count forever"
                when
                    $t : Tick()
                then
                    update($t);
                end
                """);
        engine = Fixtures.engine(RuleSet.compile(List.of(dir)), events);
        assertThatThrownBy(() -> engine.boot(false))
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("rule \"Count forever\" keeps re-firing");
        assertThatThrownBy(() -> engine.tick()).as("a stopped engine stays stopped")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped after a rules error");
    }

    @Test
    void rulesThatUndoEachOtherRoundAfterRoundAreStoppedAndNamed(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.drlFolder(tmp, "flip.drl", HEADER + """
                rule "Flip"
                when
                    LocalNode(data == DataState.UPTODATE)
                then
                    insert(Decision.by(drools).data(DataState.NOT_UPTODATE).because("flip"));
                end
                rule "Flop"
                when
                    LocalNode(data == DataState.NOT_UPTODATE)
                then
                    insert(Decision.by(drools).data(DataState.UPTODATE).because("flop"));
                end
                """);
        engine = Fixtures.engine(RuleSet.compile(List.of(dir)), events);
        assertThatThrownBy(() -> engine.boot(false))
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("rules keep changing the node")
                .hasMessageMatching("(?s).*\"(Flip|Flop)\".*");
    }

    @Test
    void onlyTheThreadThatCreatedTheEngineMayCallIt() throws Exception {
        engine = Fixtures.engine(rules, events);
        engine.boot(false);
        CompletableFuture<Object> other = CompletableFuture.supplyAsync(() -> engine.tick());
        assertThatThrownBy(other::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("owned by thread");
    }

    @Test
    void everyDecisionIsLoggedOnceAsASentenceNamingItsRule() {
        Logger log = (Logger) LoggerFactory.getLogger("tandem.decisions");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        ch.qos.logback.classic.Level before = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            engine = Fixtures.engine(rules, events);
            engine.boot(false);
            engine.advanceTo(1_000);
            engine.heartbeat(Fixtures.peer(NodeState.WAIT, DataState.UPTODATE, 0, false));
            for (long t = 2_000; t <= 10_000; t += 1_000) {
                engine.advanceTo(t);
                engine.heartbeat(Fixtures.peer(NodeState.WAIT, DataState.UPTODATE, 0, false));
                engine.tick();
            }
        } finally {
            log.detachAppender(appender);
            log.setLevel(before);
        }
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "node1: WAIT -> ALONE: both nodes are waiting and this one has the better claim (generation 0, uptodate,"
                        + " priority 100 against generation 0, uptodate, priority 50) [vip-up, start-services]"
                        + " (rule \"Booting pair elects the node with the newest data\")");
    }

    @Test
    void serviceResultsAreTrackedAndTheStoppingNodeReachesStop() {
        List<ActionPort.ActionRequest> actions = new ArrayList<>();
        engine = Fixtures.aloneWithoutPeer(rules, events, actions);
        assertThat(engine.services().holding()).isTrue();
        engine.actionResult(new ActionResult("start-services", true, "ok", 30_000));
        CycleOutcome out = engine.command("stop", "test");
        assertThat(out.answers()).singleElement().satisfies(a -> {
            assertThat(a.accepted()).isTrue();
            assertThat(a.rule()).isEqualTo("Operator stops the active node with no peer to take over");
        });
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(engine.node().data()).as("nobody took over: the data stays current").isEqualTo(DataState.UPTODATE);
        engine.actionResult(new ActionResult("stop-services", true, "ok", 31_000));
        assertThat(engine.node().state()).isEqualTo(NodeState.STOP);
        assertThat(actions).extracting(ActionPort.ActionRequest::action)
                .containsExactly("vip-up", "start-services", "stop-services", "vip-down");
    }

    @Test
    void unansweredCommandsAreRefusedWithTheReason() {
        engine = Fixtures.engine(rules, events);
        engine.boot(false);
        // which commands exist is the command routes' say; the engine refuses what no rule answers
        CycleOutcome unknown = engine.command("reboot", "test");
        assertThat(unknown.answers()).singleElement().satisfies(a -> {
            assertThat(a.accepted()).isFalse();
            assertThat(a.reason()).isEqualTo("no rule answered command \"reboot\" in state WAIT");
        });
        CycleOutcome start = engine.command("start", "test");
        assertThat(start.answers()).singleElement().satisfies(a -> {
            assertThat(a.accepted()).isFalse();
            assertThat(a.reason()).isEqualTo("start applies to a stopped node; this node is WAIT");
        });
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
    }

    @Test
    void aHeartbeatFromAStrangerChangesNothing() {
        engine = Fixtures.engine(rules, events);
        engine.boot(false);
        engine.heartbeat(new Heartbeat("node9", NodeState.ALONE, DataState.UPTODATE, 9, true, 0, 0));
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        assertThat(events).anySatisfy(e -> assertThat(e.reason()).isEqualTo("heartbeat from \"node9\" ignored: the peer is \"node2\""));
    }

    @Test
    void aNodeThatCannotTakeTheVirtualIpStopsInsteadOfServingWithoutIt() {
        List<ActionPort.ActionRequest> actions = new ArrayList<>();
        engine = Fixtures.aloneWithoutPeer(rules, events, actions);
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        CycleOutcome out = engine.actionResult(new ActionResult("vip-up", false,
                "192.168.178.249 is already in use by another host on eth0", 30_100));
        assertThat(out.applied()).extracting(d -> d.rule()).containsExactly("Active node gives up when it cannot take the virtual IP");
        assertThat(engine.node().state()).isEqualTo(NodeState.WAIT);
        engine.actionResult(new ActionResult("start-services", true, "ok", 30_200));
        engine.actionResult(new ActionResult("stop-services", true, "ok", 30_300));
        assertThat(engine.node().state()).isEqualTo(NodeState.STOP);
    }

    @Test
    void aNodeWhoseSilentPeerStillHoldsTheVirtualIpTakesTheAddressOver() {
        List<ActionPort.ActionRequest> actions = new ArrayList<>();
        engine = Fixtures.aloneWithoutPeer(rules, events, actions);
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);

        CycleOutcome out = engine.actionResult(new ActionResult("vip-up", false,
                "192.168.178.249 is still held by the peer 10.0.0.2 on eth0", 30_100, ActionResult.VIP_HELD_BY_PEER));

        assertThat(out.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("Active node takes over the virtual IP its peer still holds");
            assertThat(d.actions()).containsExactly("vip-takeover");
            assertThat(d.reason()).contains("still held by the peer 10.0.0.2", "no witness");
        });
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        assertThat(events).anyMatch(e -> e.toString().contains("action vip-up found vip-held-by-peer"));

        out = engine.actionResult(new ActionResult("vip-takeover", false, "cannot add 192.168.178.249/24 to eth0", 30_200));
        assertThat(out.applied()).extracting(d -> d.rule()).containsExactly("Active node gives up when it cannot take the virtual IP");
    }

    /**
     * At boot under load both nodes went ALONE; the winner of the split brain announces the address
     * again (vip-up), but it does not hold it yet and the loser has not released it yet: the probe
     * finds the peer's MAC. The loser's release is on its way, so the winner takes the address over
     * instead of giving up the role (which left neither node active).
     */
    @Test
    void theSplitBrainWinnerTakesOverTheAddressTheLoserHasNotReleasedYet() {
        List<ActionPort.ActionRequest> actions = new ArrayList<>();
        engine = Fixtures.aloneWithoutPeer(rules, events, actions);
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        engine.advanceTo(30_050);
        engine.heartbeat(Fixtures.peer(NodeState.ALONE, DataState.UPTODATE, 1, true));
        assertThat(actions).extracting(ActionPort.ActionRequest::action).endsWith("vip-up");

        CycleOutcome out = engine.actionResult(new ActionResult("vip-up", false,
                "192.168.178.249 is still held by the peer 10.0.0.2 on eth0", 30_100, ActionResult.VIP_HELD_BY_PEER));

        assertThat(out.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("Active node takes over the virtual IP its peer still holds");
            assertThat(d.actions()).containsExactly("vip-takeover");
            assertThat(d.reason()).contains("this one keeps the role");
        });
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
    }

    @Test
    void aNodeTakesOverTheAddressOfAPeerThatSteppedDownButHasNotReleasedItYet() {
        List<ActionPort.ActionRequest> actions = new ArrayList<>();
        engine = Fixtures.engine(rules, Fixtures.node1(), new NodeStore.InMemory(), events, actions);
        engine.boot(false);
        engine.advanceTo(1_000);
        engine.heartbeat(Fixtures.peer(NodeState.STOP, DataState.NOT_UPTODATE, 0, false));
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);

        CycleOutcome out = engine.actionResult(new ActionResult("vip-up", false,
                "192.168.178.249 is still held by the peer 10.0.0.2 on eth0", 1_100, ActionResult.VIP_HELD_BY_PEER));

        assertThat(out.applied()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("Active node takes over the virtual IP its peer still holds");
            assertThat(d.reason()).contains("the peer is STOP and releases the address");
        });
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
    }

    @Test
    void theServicesStartingAndRunningLeaveTheSavedNodeAlone() {
        List<PersistedNode> saves = new ArrayList<>();
        NodeStore counting = new NodeStore() {
            private final NodeStore inner = new NodeStore.InMemory();

            @Override
            public java.util.Optional<PersistedNode> load() {
                return inner.load();
            }

            @Override
            public void save(PersistedNode node) {
                saves.add(node);
                inner.save(node);
            }
        };
        engine = Fixtures.engine(rules, Fixtures.node1(), counting, events, new ArrayList<>());
        engine.boot(false);
        engine.advanceTo(1_000);
        engine.heartbeat(Fixtures.peer(NodeState.STOP, DataState.NOT_UPTODATE, 0, false));
        engine.tick();
        assertThat(engine.node().state()).isEqualTo(NodeState.ALONE);
        int afterTakeover = saves.size();

        engine.actionResult(new ActionResult("vip-up", true, "done", 1_100));
        engine.actionResult(new ActionResult("start-services", true, "done", 1_200));

        assertThat(engine.services().activity()).isEqualTo(tandem.facts.Activity.RUNNING);
        assertThat(saves).hasSize(afterTakeover)
                .last().isEqualTo(new PersistedNode(NodeState.ALONE, DataState.UPTODATE, 1));
    }
}
