package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tandem.config.Endpoint;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

/**
 * The receiving side's ordering and freshness rules, frame by frame: node1's frames as node2 receives
 * them on its main link, with both nodes' clocks and the monotonic clock in the test's hands
 * (heartbeat interval 100 ms, failover timeout 300 ms).
 */
class ReceiverTest {
    private static final long MINUTES_10 = Duration.ofMinutes(10).toMillis();

    private final SteppedClock senderClock = new SteppedClock();
    private final SteppedClock clock = new SteppedClock();
    private final long[] tick = {1_000};
    private final Recorder rec = new Recorder();
    private final FrameCodec codec = new FrameCodec(Nodes.SECRET);
    private final Receiver receiver = new Receiver("node1", new TreeMap<>(), codec, rec, clock, () -> tick[0], 100, 300);
    private final Link main = new Link(Protocol.MAIN, new Endpoint("127.0.0.1", 7401), new Endpoint("127.0.0.1", 7402));

    /** A heartbeat of generation {@code generation} from node1, made and written at {@code ts}. */
    private void beat(String session, long seq, long ts, long generation) {
        frame(session, seq, ts, generation, 0);
    }

    private void frame(String session, long seq, long ts, long generation, long waited) {
        var body = Bodies.heartbeat(new Heartbeat("node1", NodeState.PRIM, DataState.UPTODATE, generation, false, 100, ts))
                .put(Bodies.WAITED, waited);
        byte[] framed = codec.encode(new Envelope(FrameType.HEARTBEAT, "node1", Protocol.MAIN, session, seq, ts, body));
        receiver.frame(main, new InboundFrame(Arrays.copyOfRange(framed, 4, framed.length), "/127.0.0.1:40000"));
        tick[0] += 10;
    }

    private long dropped(DropReason reason) {
        return main.counters.snapshot().dropped(reason);
    }

    @Test
    void aFrameDatedADayAheadIsDroppedAndLaterFramesAreTaken() {
        long day = Duration.ofDays(1).toMillis();
        beat("s1", 1, senderClock.millis(), 1);
        // within the session (a sequence number further on), and as a session of its own
        beat("s1", 2, senderClock.millis() + day, 2);
        beat("forged", 1, senderClock.millis() + day, 3);
        assertThat(dropped(DropReason.FUTURE)).isEqualTo(2);

        beat("s1", 3, senderClock.millis(), 4);
        beat("s1", 4, senderClock.millis(), 5);
        assertThat(rec.beats).extracting(b -> b.hb().generation()).containsExactly(1L, 4L, 5L);
        assertThat(main.counters.snapshot().droppedTotal()).isEqualTo(2);
    }

    @Test
    void aFrameDatedFurtherBackThanTheAllowedSkewIsDroppedAsStale() {
        beat("s1", 1, senderClock.millis(), 1);
        beat("s1", 2, senderClock.millis() - Protocol.MAX_CLOCK_SKEW.toMillis() - 1_000, 2);
        beat("s1", 3, senderClock.millis(), 3);
        assertThat(dropped(DropReason.STALE)).isEqualTo(1);
        assertThat(rec.beats).extracting(b -> b.hb().generation()).containsExactly(1L, 3L);
    }

    @Test
    void thePeersClockSteppingBackAndForthIsSkewOnly() {
        long[] steps = {-10_000, 10_000, -MINUTES_10, MINUTES_10, MINUTES_10, -MINUTES_10};
        long seq = 1;
        beat("s1", seq++, senderClock.millis(), 0);
        for (long step : steps) {
            senderClock.step(Duration.ofMillis(step));
            beat("s1", seq, senderClock.millis(), seq);
            beat("s1", seq + 1, senderClock.millis(), seq + 1);
            long offset = senderClock.millis() - clock.millis();
            // positive when the peer's clock is behind this node's (MS-12)
            assertThat(rec.last().skew()).as("after a step of %d ms", step).isCloseTo(-offset, within(1_000L));
            seq += 2;
        }
        assertThat(rec.beats).hasSize(1 + 2 * steps.length);
        assertThat(main.counters.snapshot().droppedTotal()).isZero();
    }

    @Test
    void thisNodesClockSteppingIsSkewOnly() {
        long seq = 1;
        for (long step : new long[] {0, -MINUTES_10, MINUTES_10, MINUTES_10, -MINUTES_10, 10_000, -10_000}) {
            clock.step(Duration.ofMillis(step));
            beat("s1", seq, senderClock.millis(), seq);
            assertThat(rec.last().skew()).isCloseTo(clock.millis() - senderClock.millis(), within(1_000L));
            seq++;
        }
        assertThat(rec.beats).hasSize(7);
        assertThat(main.counters.snapshot().droppedTotal()).isZero();
    }

    @Test
    void aFrameOfTheSessionSentAgainIsDropped() {
        beat("s1", 1, senderClock.millis(), 1);
        beat("s1", 2, senderClock.millis(), 2);
        beat("s1", 2, senderClock.millis(), 2);
        beat("s1", 1, senderClock.millis(), 1);
        assertThat(dropped(DropReason.REPLAYED)).isEqualTo(2);
        assertThat(rec.beats).hasSize(2);
    }

    @Test
    void aNewerSessionIsTakenAndTheOlderOnesFramesAreDroppedFromThenOn() {
        long t = senderClock.millis();
        beat("old", 1, t, 1);
        beat("old", 2, t + 100, 2);
        // the peer restarted: a new session, its first frame dated after the old one's last
        beat("new", 1, t + 2_000, 3);
        // the old session's frames, sent again or delayed: seen ones, and one never seen, dated before the new one
        beat("old", 2, t + 100, 2);
        beat("old", 3, t + 200, 4);
        beat("new", 2, t + 2_100, 5);
        assertThat(rec.beats).extracting(b -> b.hb().generation()).containsExactly(1L, 2L, 3L, 5L);
        assertThat(dropped(DropReason.REPLAYED)).isEqualTo(2);
    }

    @Test
    void aPeerRestartedWithItsClockSteppedBackIsTakenOnceItsOldSessionIsSilent() {
        long t = senderClock.millis();
        beat("old", 1, t, 1);
        beat("old", 2, t + 100, 2);
        // the restarted peer's clock is 10 min back: its new session looks older than the old one
        beat("new", 1, t - MINUTES_10, 3);
        assertThat(dropped(DropReason.REPLAYED)).isEqualTo(1);
        // the old session has been silent for 3 heartbeat intervals: the link starts afresh with the new one
        tick[0] += 300;
        beat("new", 2, t - MINUTES_10 + 400, 4);
        beat("new", 3, t - MINUTES_10 + 500, 5);
        // and a recorded frame of the old session, sent again, is still dropped
        beat("old", 2, t + 100, 2);
        assertThat(rec.beats).extracting(b -> b.hb().generation()).containsExactly(1L, 2L, 4L, 5L);
        assertThat(dropped(DropReason.REPLAYED)).isEqualTo(2);
        assertThat(rec.last().skew()).isCloseTo(MINUTES_10, within(2_000L));
    }

    @Test
    void aHeartbeatThatWaitedLongerThanTheFailoverTimeoutAtItsSenderIsNotDelivered() {
        beat("s1", 1, senderClock.millis(), 1);
        long before = main.lastGoodTick;
        // queued behind a dial during a cut and written when the link healed
        frame("s1", 2, senderClock.millis(), 2, 301);
        assertThat(dropped(DropReason.OUTDATED)).isEqualTo(1);
        // the frame itself is authentic and current: the link works
        assertThat(main.lastGoodTick).isGreaterThan(before);
        frame("s1", 3, senderClock.millis(), 3, 300);
        beat("s1", 4, senderClock.millis(), 4);
        assertThat(rec.beats).extracting(b -> b.hb().generation()).containsExactly(1L, 3L, 4L);
    }

    @Test
    void aClosedReceiverDeliversNothing() {
        beat("s1", 1, senderClock.millis(), 1);
        receiver.close();
        beat("s1", 2, senderClock.millis(), 2);
        assertThat(rec.beats).hasSize(1);
    }
}
