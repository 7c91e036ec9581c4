package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.NodeConfig;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

class PeerLinkTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private PeerLink start(NodeConfig config, Recorder recorder, Clock clock) {
        PeerLink link = new PeerLink(config, recorder, clock, PeerLink.Options.plain());
        open.add(link);
        link.start();
        return link;
    }

    static Heartbeat hb(String node, Clock clock, long generation) {
        return new Heartbeat(node, NodeState.PRIM, DataState.UPTODATE, generation, false, 100, clock.millis());
    }

    @Test
    void heartbeatsFlowBothWaysWithTheClockSkew() {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock1 = Clock.systemUTC();
        Clock clock2 = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-5));
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir), rec1, clock1);
        PeerLink node2 = start(new Nodes.Spec("node2", "node1", ports[1], ports[0]).config(dir), rec2, clock2);

        Await.until("heartbeats both ways", () -> rec1.beatCount() > 0 && rec2.beatCount() > 0, () -> {
            node1.send(hb("node1", clock1, 7));
            node2.send(hb("node2", clock2, 8));
        });

        Recorder.Beat at1 = rec1.last();
        assertThat(at1.hb().nodeId()).isEqualTo("node2");
        assertThat(at1.hb().generation()).isEqualTo(8);
        assertThat(at1.hb().state()).isEqualTo(NodeState.PRIM);
        assertThat(at1.hb().data()).isEqualTo(DataState.UPTODATE);
        assertThat(at1.hb().priority()).isEqualTo(100);
        // node2's clock is 5 s behind: node1 sees a positive skew, node2 a negative one (MS-12)
        assertThat(at1.skew()).isCloseTo(5_000L, within(1_000L));
        assertThat(rec2.last().skew()).isCloseTo(-5_000L, within(1_000L));
        assertThat(rec1.events).contains("up main");
        assertThat(node1.links()).singleElement().satisfies(l -> {
            assertThat(l.name()).isEqualTo("main");
            assertThat(l.up()).isTrue();
            assertThat(l.remote()).isEqualTo("127.0.0.1:" + ports[1]);
            assertThat(l.listen()).isEqualTo("127.0.0.1:" + ports[0]);
            assertThat(l.lastGoodFrame()).isPresent();
        });
        assertThat(node1.stats().framesSent()).isPositive();
        assertThat(node1.stats().framesAccepted()).isPositive();
        assertThat(node1.stats().droppedTotal()).isZero();
        assertThat(node2.stats().droppedTotal()).isZero();
    }

    @Test
    void aCommandIssuedOnOneNodeReachesTheOther() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        // node1 runs inside a CamelContext it is given, as in the node process
        DefaultCamelContext camel = new DefaultCamelContext();
        open.add(camel::stop);
        camel.start();
        PeerLink node1 = new PeerLink(new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir), rec1, clock,
                PeerLink.Options.plain(), camel);
        open.add(node1);
        node1.start();
        PeerLink node2 = start(new Nodes.Spec("node2", "node1", ports[1], ports[0]).config(dir), rec2, clock);

        Await.until("the swap to arrive at node1", () -> !rec1.commands.isEmpty(),
                () -> node2.sendCommand("swap", "console admin@node2"));

        assertThat(rec1.commands).allMatch("swap from console admin@node2"::equals);
        assertThat(rec2.commands).isEmpty();

        java.util.Map<String, String> args = new java.util.LinkedHashMap<>();
        args.put("file", "/var/backup/full.tar");
        args.put("confirm", "true");
        Await.until("the command with its arguments to arrive at node1",
                () -> rec1.commands.contains("standby-import from node2 {file=/var/backup/full.tar, confirm=true}"),
                () -> node2.sendCommand("standby-import", "node2", args));

        int routes = camel.getRoutes().size();
        assertThat(routes).isEqualTo(3);
        node1.close();
        assertThat(camel.getRoutes()).isEmpty();
        assertThat(camel.isStarted()).isTrue();
    }

    @Test
    void differentSettingsAreAnErrorOnBothSidesAndWithholdHeartbeatsUntilFixed() {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        // with a second link each side gets two HELLOs, and still reports the mismatch once
        PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]).secondLink(ports[1] + 1)
                .config(dir), rec1, clock);
        Nodes.Spec spec2 = new Nodes.Spec("node2", "node1", ports[1], ports[0]).secondLink(ports[0] + 1)
                .vip("192.168.178.250/24").console("https");
        PeerLink node2 = start(spec2.config(dir), rec2, clock);

        Await.until("both sides to report the mismatch, and heartbeats to be withheld",
                () -> !rec1.mismatches.isEmpty() && !rec2.mismatches.isEmpty()
                        && node1.stats().dropped(DropReason.SETTINGS_MISMATCH) >= 6
                        && node2.stats().dropped(DropReason.SETTINGS_MISMATCH) >= 6, () -> {
                    node1.send(hb("node1", clock, 1));
                    node2.send(hb("node2", clock, 1));
                    node2.sendCommand("swap", "node2");
                });
        assertThat(rec1.mismatches).containsExactly("settings differ from node2's: console protocol, vip");
        assertThat(rec2.mismatches).containsExactly("settings differ from node1's: console protocol, vip");
        assertThat(rec1.beats).isEmpty();
        assertThat(rec2.beats).isEmpty();
        assertThat(rec1.commands).isEmpty();
        // the peer is there, only incompatible: the links stay up
        assertThat(node1.links()).extracting(LinkState::up).containsExactly(true, true);

        node2.close();
        PeerLink fixed = start(spec2.vip("192.168.178.249/24").console("http").config(dir), rec2, clock);
        Await.until("the mismatch to clear and heartbeats to flow",
                () -> rec1.events.contains("cleared") && rec1.beatFrom("node2", 2) && rec2.beatFrom("node1", 2), () -> {
                    node1.send(hb("node1", clock, 2));
                    fixed.send(hb("node2", clock, 2));
                });
        assertThat(rec1.events).filteredOn(e -> e.startsWith("mismatch") || e.equals("cleared"))
                .containsExactly("mismatch: settings differ from node2's: console protocol, vip", "cleared");
    }

    @Test
    void aNodeThatIsClosedAndStartedAgainIsReconnected() {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        NodeConfig config2 = new Nodes.Spec("node2", "node1", ports[1], ports[0]).config(dir);
        PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir), rec1, clock);
        PeerLink node2 = start(config2, rec2, clock);
        Await.until("first contact", () -> rec1.beatFrom("node2", 1) && rec2.beatFrom("node1", 1), () -> {
            node1.send(hb("node1", clock, 1));
            node2.send(hb("node2", clock, 1));
        });

        node2.close();
        Await.until("node1 to notice the connection is gone", () -> node1.stats().sendFailures() > 0,
                () -> node1.send(hb("node1", clock, 2)));

        Recorder rec2b = new Recorder();
        PeerLink again = start(config2, rec2b, clock);
        Await.until("contact with the new node2 (a new session)", () -> rec1.beatFrom("node2", 3) && rec2b.beatFrom("node1", 3),
                () -> {
                    node1.send(hb("node1", clock, 3));
                    again.send(hb("node2", clock, 3));
                });
        assertThat(node1.stats().dropped(DropReason.REPLAYED)).isZero();
        assertThat(node1.links().get(0).up()).isTrue();
    }

    @Test
    void aBusyListenPortIsNamedWithItsHolder() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        try (ServerSocket busy = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress())) {
            PeerLink link = new PeerLink(new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir), new Recorder(),
                    Clock.systemUTC(), PeerLink.Options.plain());
            open.add(link);
            assertThatThrownBy(link::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageStartingWith("listen.port " + ports[0] + " on 127.0.0.1 is already in use")
                    .satisfies(e -> assertThat(((PortInUseException) e).port()).isEqualTo(ports[0]))
                    .satisfies(e -> {
                        if (ssCanNameHolders()) {
                            assertThat(e).hasMessageContaining("(held by java pid " + ProcessHandle.current().pid() + ")");
                        }
                    });
        }
    }

    @Test
    void aBusySecondLinkPortIsNamedAndTheMainPortIsReleased() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        try (ServerSocket busy = new ServerSocket(ports[0] + 1, 1, InetAddress.getLoopbackAddress())) {
            PeerLink link = new PeerLink(new Nodes.Spec("node1", "node2", ports[0], ports[1]).secondLink(ports[1] + 1)
                    .config(dir), new Recorder(), Clock.systemUTC(), PeerLink.Options.plain());
            open.add(link);
            assertThatThrownBy(link::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageStartingWith("listen.port + 1 = " + (ports[0] + 1)
                            + " (the second link's port) on 127.0.0.1 is already in use");
        }
        try (ServerSocket again = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(ports[0]);
        }
    }

    @Test
    void theSecondLinkCarriesHeartbeatsWhenTheMainOneIsCut() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        try (Tap tap = new Tap(ports[1])) {
            // node1 reaches node2's main port through the tap, its second port directly
            PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], tap.port()).secondLink(ports[1] + 1)
                    .config(dir), rec1, clock);
            PeerLink node2 = start(new Nodes.Spec("node2", "node1", ports[1], ports[0]).secondLink(ports[0] + 1)
                    .config(dir), rec2, clock);
            Await.until("both links up at node2", () -> rec2.events.containsAll(List.of("up main", "up second")),
                    () -> node1.send(hb("node1", clock, 1)));
            assertThat(node2.links()).extracting(LinkState::name).containsExactly("main", "second");
            assertThat(node2.links().get(1).listen()).isEqualTo("127.0.0.1:" + (ports[1] + 1));

            // a command goes out on both links and is delivered once
            long mainBefore = node2.links().get(0).stats().framesAccepted();
            long secondBefore = node2.links().get(1).stats().framesAccepted();
            node1.sendCommand("swap", "node1");
            Await.until("the command and later frames on both links",
                    () -> node2.links().get(0).stats().framesAccepted() >= mainBefore + 3
                            && node2.links().get(1).stats().framesAccepted() >= secondBefore + 3,
                    () -> node1.send(hb("node1", clock, 1)));
            assertThat(rec2.commands).containsExactly("swap from node1");

            tap.cut();
            // the link's state, not only the event: under load a late frame may have reported main down before the cut
            Await.until("node2 to see main down", () -> rec2.events.contains("down main") && !node2.links().get(0).up(),
                    () -> node1.send(hb("node1", clock, 2)));
            int before = rec2.beatCount();
            Await.until("heartbeats over the second link", () -> rec2.beatCount() > before + 3,
                    () -> node1.send(hb("node1", clock, 3)));
            assertThat(node2.links()).extracting(LinkState::up).containsExactly(false, true);
            assertThat(node2.links().get(1).stats().framesAccepted()).isPositive();
            assertThat(rec2.events).doesNotContain("down second");
            assertThat(node1.links().get(0).stats().sendFailures()).isPositive();
        }
    }

    /**
     * A network cut drops the SYN of the dial each node makes while it is cut off; TCP would send it
     * again only a second later, and neither node hears the other in the meantime. After the heal
     * the link must carry frames both ways again within a few heartbeat intervals, not after that
     * dial timed out (1 s) and backed off: a node cut off from its peer waits only so long for it
     * after a heal before it goes on alone.
     */
    @Test
    void afterACutThatDroppedTheDialsTheLinkCarriesFramesAgainWithinAFewHeartbeatIntervals() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong(1);
        java.util.concurrent.atomic.AtomicBoolean beating = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (Gate to1 = new Gate(ports[0]); Gate to2 = new Gate(ports[1])) {
            // each node dials the other through a gate
            PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], to2.port()).config(dir), rec1, clock);
            PeerLink node2 = start(new Nodes.Spec("node2", "node1", ports[1], to1.port()).config(dir), rec2, clock);
            // a heartbeat every interval (100 ms) from each node, as the engine sends them; at most 60 s
            Thread beats = new Thread(() -> {
                for (int i = 0; i < 600 && beating.get(); i++) {
                    node1.send(hb("node1", clock, generation.get()));
                    node2.send(hb("node2", clock, generation.get()));
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
                }
            });
            beats.setDaemon(true);
            beats.start();
            try {
                Await.until("heartbeats both ways", () -> rec1.beatFrom("node2", 1) && rec2.beatFrom("node1", 1));
                for (int round = 1; round <= 3; round++) {
                    rec1.events.clear();
                    rec2.events.clear();
                    to1.cut();
                    to2.cut();
                    Await.until("round " + round + ": both nodes to see the link down",
                            () -> rec1.events.contains("down main") && rec2.events.contains("down main")
                                    && !node1.links().get(0).up() && !node2.links().get(0).up());
                    // each node dials the other afresh and its SYN is dropped
                    try {
                        Await.until("round " + round + ": a dial of each node unanswered in the cut",
                                () -> to1.dialledInTheCut() && to2.dialledInTheCut());
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + "; sockets to node1's gate:\n" + to1.sockets()
                                + "to node2's gate:\n" + to2.sockets(), e);
                    }
                    long g = generation.incrementAndGet();
                    long healed = System.nanoTime();
                    to1.heal();
                    to2.heal();
                    Await.until("round " + round + ": heartbeats both ways after the heal",
                            () -> rec1.beatFrom("node2", g) && rec2.beatFrom("node1", g));
                    long took = (System.nanoTime() - healed) / 1_000_000;
                    // the dial into the cut used to wait for its timeout (1 s), then back off; now one that
                    // is unanswered for a heartbeat interval (at least 250 ms) is made afresh
                    assertThat(took).as("round %d: ms from the heal to heartbeats both ways", round).isLessThan(900);
                }
                assertThat(node1.stats().droppedTotal()).isZero();
                assertThat(node2.stats().droppedTotal()).isZero();
            } finally {
                beating.set(false);
                beats.join(5_000);
            }
        }
    }

    @Test
    void closeReleasesThePortsAndEveryThread() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        Recorder recA = new Recorder();
        PeerLink a = start(new Nodes.Spec("nodeA", "nodeB", ports[0], ports[1]).secondLink(ports[1] + 1).config(dir),
                recA, clock);
        PeerLink b = start(new Nodes.Spec("nodeB", "nodeA", ports[1], ports[0]).secondLink(ports[0] + 1).config(dir),
                new Recorder(), clock);
        Await.until("contact", () -> recA.beatFrom("nodeB", 1), () -> b.send(hb("nodeB", clock, 1)));
        assertThat(threadsOf("nodeA")).isNotEmpty();

        a.close();
        b.close();
        a.close();
        b.send(hb("nodeB", clock, 2));
        Await.until("the links' threads to end", () -> threadsOf("nodeA").isEmpty() && threadsOf("nodeB").isEmpty());
        for (int port : new int[] {ports[0], ports[0] + 1, ports[1], ports[1] + 1}) {
            try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(free.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aLinkBeingClosedHandsTheListenerNothingAndLogsNoError() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        // like the node's listener, which hands heartbeats to a timer that is shut down with the node
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger afterClose = new java.util.concurrent.atomic.AtomicInteger();
        Recorder rec2 = new Recorder() {
            @Override
            public void heartbeat(Heartbeat hb, long skewMillis) {
                if (closing.get()) {
                    afterClose.incrementAndGet();
                    throw new java.util.concurrent.RejectedExecutionException("the node's timer is shut down");
                }
                super.heartbeat(hb, skewMillis);
            }
        };
        PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir), new Recorder(), clock);
        PeerLink node2 = start(new Nodes.Spec("node2", "node1", ports[1], ports[0]).config(dir), rec2, clock);
        Await.until("heartbeats at node2", () -> rec2.beatCount() > 3, () -> node1.send(hb("node1", clock, 1)));

        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread beats = new Thread(() -> {
            // a heartbeat every millisecond while node2 closes, at most 10 s
            for (int i = 0; i < 10_000 && sending.get(); i++) {
                node1.send(hb("node1", clock, 2));
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
        });
        try (tandem.testing.LogCapture log = new tandem.testing.LogCapture(PeerLink.class)) {
            beats.start();
            Await.until("more heartbeats at node2", () -> rec2.beatFrom("node1", 2));
            // the link's close stops delivery first (Receiver.close, which waits for a frame being
            // delivered); the node's timer counts as shut down from that very moment, not before it, so
            // a frame delivered just before the close began is no failure
            synchronized (node2.receiver) {
                closing.set(true);
                node2.receiver.close();
            }
            node2.close();
            sending.set(false);
            beats.join(10_000);
            assertThat(log.messages(ch.qos.logback.classic.Level.ERROR)).isEmpty();
        }
        assertThat(afterClose).hasValue(0);
    }

    @Test
    void clockStepsOnEitherNodeAreSkewOnlyAndTheLinkKeepsGoing() {
        int[] ports = Nodes.freePortPairs(2);
        SteppedClock clock1 = new SteppedClock();
        SteppedClock clock2 = new SteppedClock();
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir), rec1, clock1);
        PeerLink node2 = start(new Nodes.Spec("node2", "node1", ports[1], ports[0]).config(dir), rec2, clock2);
        long[] generation = {1};
        Runnable beat = () -> {
            node1.send(hb("node1", clock1, generation[0]));
            node2.send(hb("node2", clock2, generation[0]));
        };
        Await.until("heartbeats both ways", () -> rec1.beatFrom("node2", 1) && rec2.beatFrom("node1", 1), beat);

        // node1 back and forth by 10 s and 10 min (NTP after a suspend), then node2 (the receiver of node1's frames)
        Duration[][] steps = {
                {Duration.ofSeconds(-10), Duration.ZERO}, {Duration.ofSeconds(10), Duration.ZERO},
                {Duration.ofMinutes(-10), Duration.ZERO}, {Duration.ofMinutes(10), Duration.ZERO},
                {Duration.ofMinutes(10), Duration.ZERO}, {Duration.ofMinutes(-10), Duration.ZERO},
                {Duration.ZERO, Duration.ofMinutes(-10)}, {Duration.ZERO, Duration.ofMinutes(20)},
                {Duration.ZERO, Duration.ofMinutes(-10)}};
        for (Duration[] step : steps) {
            clock1.step(step[0]);
            clock2.step(step[1]);
            long g = ++generation[0];
            Await.until("heartbeats both ways after node1 " + step[0] + ", node2 " + step[1],
                    () -> rec1.beatFrom("node2", g) && rec2.beatFrom("node1", g), beat);
            long offset = clock1.millis() - clock2.millis();
            // the step is reported as skew, nothing else (MS-12): positive at node2 when node1's clock is behind
            assertThat(rec2.last().skew()).as("node2's skew after node1 %s, node2 %s", step[0], step[1])
                    .isCloseTo(-offset, within(2_000L));
            assertThat(rec1.last().skew()).isCloseTo(offset, within(2_000L));
            assertThat(rec2.last().hb().state()).isEqualTo(NodeState.PRIM);
        }
        assertThat(rec1.events).containsExactly("up main");
        assertThat(rec2.events).containsExactly("up main");
        assertThat(node1.stats().droppedTotal()).isZero();
        assertThat(node2.stats().droppedTotal()).isZero();
        assertThat(node1.links()).extracting(LinkState::up).containsExactly(true);
        assertThat(node2.links()).extracting(LinkState::up).containsExactly(true);
    }

    @Test
    void aPeerRestartedWithItsClockSteppedBackIsHeardAgain() {
        int[] ports = Nodes.freePortPairs(2);
        Clock clock = Clock.systemUTC();
        SteppedClock clock2 = new SteppedClock();
        Recorder rec1 = new Recorder();
        NodeConfig config2 = new Nodes.Spec("node2", "node1", ports[1], ports[0]).config(dir);
        PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir), rec1, clock);
        PeerLink node2 = start(config2, new Recorder(), clock2);
        Await.until("node2's heartbeats at node1", () -> rec1.beatFrom("node2", 1), () -> node2.send(hb("node2", clock2, 1)));

        // node2 restarts (a new session) with its clock 10 min back: all its frames are older than the last one heard
        node2.close();
        clock2.step(Duration.ofMinutes(-10));
        PeerLink again = start(config2, new Recorder(), clock2);
        Await.until("the restarted node2's heartbeats at node1", () -> rec1.beatFrom("node2", 2),
                () -> again.send(hb("node2", clock2, 2)));
        assertThat(rec1.last().skew()).isCloseTo(600_000L, within(2_000L));
    }

    private static List<String> threadsOf(String node) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.contains("tandem-peer-link-" + node + "-")).toList();
    }

    /** Whether {@code ss} exists here and shows this user's processes (it does on Linux with iproute2). */
    private static boolean ssCanNameHolders() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && (Files.isExecutable(Path.of("/usr/bin/ss")) || Files.isExecutable(Path.of("/bin/ss"))
                || Files.isExecutable(Path.of("/usr/sbin/ss")) || Files.isExecutable(Path.of("/sbin/ss")));
    }
}
