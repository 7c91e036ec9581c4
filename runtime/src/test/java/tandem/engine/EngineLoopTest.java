package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

class EngineLoopTest {

    @Test
    void observationsFromManyThreadsReachTheEngineOnItsOwnThreadAndCommandsGetTheRulesAnswer() throws Exception {
        RuleSet rules = Fixtures.msFailoverRules();
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch joined = new CountDownLatch(1);
        EngineLoop loop = new EngineLoop("node1", () -> {
            Engine e = new Engine(rules.kieBase(), Fixtures.node1(), false, new NodeStore.InMemory(), r -> { },
                    ev -> {
                        threads.add(Thread.currentThread().getName());
                        if ("state".equals(ev.kind()) && "ALONE".equals(ev.to())) {
                            joined.countDown();
                        }
                    });
            e.boot(false);
            return e;
        });
        try {
            loop.start();
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> loop.observe(new Heartbeat("node2", NodeState.WAIT, DataState.UPTODATE, 0, false, 50, 0)));
                senders.add(t);
                t.start();
            }
            for (Thread t : senders) {
                t.join();
            }
            assertThat(joined.await(10, TimeUnit.SECONDS)).as("the realtime engine elected itself").isTrue();
            var answer = loop.submit("start");
            assertThat(answer.accepted()).isFalse();
            assertThat(answer.reason()).isEqualTo("start applies to a stopped node; this node is ALONE");
            assertThat(threads).isNotEmpty().allMatch(n -> n.equals("tandem-engine-node1"));
        } finally {
            loop.close();
        }
    }
}
