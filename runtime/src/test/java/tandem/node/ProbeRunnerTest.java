package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.checks.Check;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.NodeStatus;
import tandem.facts.Activity;
import tandem.facts.ClockSkew;
import tandem.facts.DataState;
import tandem.facts.NodeState;
import tandem.facts.ProbeResult;
import tandem.facts.Reading;

class ProbeRunnerTest {

    /** A check that answers at once. */
    private record Quick(String resource) implements Check {
        @Override
        public ProbeResult probe(long now) {
            return new ProbeResult(resource, true, "quick", now);
        }
    }

    /** A check that answers only when released. */
    private record Slow(String resource, CountDownLatch release) implements Check {
        @Override
        public ProbeResult probe(long now) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ProbeResult(resource, false, "slow", now);
        }
    }

    @Test
    void aSlowCheckHoldsUpNoOtherAndItsResultArrivesOnItsOwnWhenDone(@TempDir Path dir) throws Exception {
        NodeConfig c = ConfigLoader.parse("node1.yaml", """
                node: {id: node1, profile: ms-failover}
                cluster: {name: c, secret: "0123456789abcdef0123"}
                peer: {id: node2, address: 10.0.0.2}
                timings: {check-interval: 100ms, heartbeat-interval: 100ms, failover-timeout: 1s}
                """, dir, Map.of());
        CountDownLatch release = new CountDownLatch(1);
        ProbeRunner runner = new ProbeRunner(c, List.of(new Slow("custom.slow", release), new Quick("tcp.fast")),
                List::of, () -> null, Clock.systemUTC());
        CompletableFuture<ProbeResult> late = new CompletableFuture<>();
        runner.onLate(late::complete);

        List<Reading> first = runner.probeAll();
        assertThat(first).extracting(Reading::resource).containsExactly("tcp.fast");
        assertThat(late).isNotDone();

        List<Reading> second = runner.probeAll();
        assertThat(second).as("the slow check is still out: not started twice")
                .extracting(Reading::resource).containsExactly("tcp.fast");

        release.countDown();
        assertThat(late.get(5, TimeUnit.SECONDS)).satisfies(r -> {
            assertThat(r.resource()).isEqualTo("custom.slow");
            assertThat(r.detail()).isEqualTo("slow");
        });
    }

    @Test
    void aCheckerTheRulesHoldUncheckedIsNotRunAndTheClockIsReportedAsMeasured(@TempDir Path dir) {
        NodeConfig c = ConfigLoader.parse("node1.yaml", """
                node: {id: node1, profile: ms-failover}
                cluster: {name: c, secret: "0123456789abcdef0123"}
                peer: {id: node2, address: 10.0.0.2}
                """, dir, Map.of());
        NodeStatus st = new NodeStatus("node1", NodeState.WAIT, DataState.UPTODATE, 0, Activity.STOPPED, 0, null,
                List.of(new NodeStatus.ResourceView("proc.app", "unknown", true, "checked while the services run", -1,
                        -1, false), new NodeStatus.ResourceView("tcp.fast", "up", true, "quick", 0, 0, true)),
                null, List.of(), 0);
        ProbeRunner runner = new ProbeRunner(c, List.of(new Quick("proc.app"), new Quick("tcp.fast")), List::of,
                () -> st, Clock.systemUTC());
        runner.skew(-6_000);

        List<Reading> round = runner.probeAll();

        assertThat(round).extracting(Reading::resource).containsExactly("tcp.fast", "clock.peer");
        assertThat(round.get(1)).isInstanceOfSatisfying(ClockSkew.class, m ->
                assertThat(m.millis()).as("the measurement, judged by the rules").isEqualTo(-6_000));
    }
}
