package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tandem.engine.CommandTickets.Outcome;
import tandem.engine.CommandTickets.Step;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.ActionResult;
import tandem.facts.Decision;
import tandem.facts.NodeState;

/** What became of accepted commands: their tickets follow the actions the accepting cycle asked for. */
class CommandTicketsTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    private final CommandTickets tickets = new CommandTickets(clock::get);

    private static Decision stop() {
        return Decision.by("Operator stops the node").accepts("stop").to(NodeState.STOP)
                .act("stop-services", "vip-down").because("operator stop (api)");
    }

    /** The cycle as the engine ends it: its actions go to the port (counted) before the answer comes back. */
    private CommandAnswer accept(Decision d) {
        d.actions().forEach(tickets::requested);
        CycleOutcome out = new CycleOutcome(List.of(d), List.of(new CommandAnswer(d.command(), true, d.reason(), d.rule())));
        return tickets.open(out, "api").get(0);
    }

    private Outcome outcome(long id) {
        return tickets.outcome(id).orElseThrow();
    }

    @Test
    void aCommandIsDoneWhenEveryActionItStartedSucceeded() {
        CommandAnswer a = accept(stop());
        assertThat(a.ticket()).isPositive();
        assertThat(a.actions()).containsExactly("stop-services", "vip-down");
        assertThat(outcome(a.ticket()).status()).isEqualTo(Step.RUNNING);
        assertThat(outcome(a.ticket()).sentence()).isEqualTo("stop running: waiting for stop-services, vip-down");

        tickets.result(new ActionResult("vip-down", true, "10.0.0.50 released", 1_100));
        assertThat(outcome(a.ticket()).status()).isEqualTo(Step.RUNNING);
        clock.set(1_500);
        tickets.result(new ActionResult("stop-services", true, "app stopped", 1_500));
        Outcome o = outcome(a.ticket());
        assertThat(o.status()).isEqualTo(Step.DONE);
        assertThat(o.endedAt()).isEqualTo(1_500);
        assertThat(o.steps()).containsExactly(new Step("stop-services", Step.DONE, "app stopped"),
                new Step("vip-down", Step.DONE, "10.0.0.50 released"));
        assertThat(o.sentence()).isEqualTo("stop done: stop-services, vip-down");
    }

    @Test
    void aCommandFailsWithTheWordsOfTheActionThatFailed() {
        CommandAnswer a = accept(Decision.by("Boot start on").accepts("boot-start-on").act("boot-start-on")
                .because("operator (api)"));
        tickets.result(new ActionResult("boot-start-on", false,
                "systemctl enable tandem@node1.service failed (exit 1): Unit tandem@node1.service does not exist", 1_200));
        Outcome o = outcome(a.ticket());
        assertThat(o.status()).isEqualTo(Step.FAILED);
        assertThat(o.sentence()).isEqualTo("boot-start-on failed: boot-start-on failed: systemctl enable"
                + " tandem@node1.service failed (exit 1): Unit tandem@node1.service does not exist");
    }

    @Test
    void aResultAnswersTheRequestOfTheSameActionInOrder() {
        // an earlier stop-services, asked for by a rule, is still running when the command asks for its own
        tickets.requested("stop-services");
        CommandAnswer a = accept(stop());
        tickets.result(new ActionResult("stop-services", false, "the earlier one failed", 1_100));
        assertThat(outcome(a.ticket()).status()).as("the earlier request's result is not the command's")
                .isEqualTo(Step.RUNNING);
        tickets.result(new ActionResult("stop-services", true, "app stopped", 1_200));
        tickets.result(new ActionResult("vip-down", true, "released", 1_300));
        assertThat(outcome(a.ticket()).status()).isEqualTo(Step.DONE);
    }

    @Test
    void aCommandThatStartedNoActionIsDoneAtOnceAndARefusedOneHasNoTicket() {
        Decision d = Decision.by("Reload").accepts("sync").because("the next cycle runs now");
        CommandAnswer a = accept(d);
        assertThat(outcome(a.ticket()).status()).isEqualTo(Step.DONE);
        assertThat(outcome(a.ticket()).sentence()).isEqualTo("sync done: it asked for no action");

        CycleOutcome refused = new CycleOutcome(List.of(), List.of(new CommandAnswer("swap", false, "needs a pair", "r")));
        assertThat(tickets.open(refused, "api").get(0).ticket()).isZero();
    }

    @Test
    void awaitReturnsWhenTheCommandEndsOrWhenTheTimeIsUp() throws Exception {
        CommandAnswer a = accept(stop());
        assertThat(tickets.await(a.ticket(), 50).orElseThrow().ended()).as("nothing reported yet").isFalse();
        Thread reporter = new Thread(() -> {
            tickets.result(new ActionResult("stop-services", true, "stopped", 1_100));
            tickets.result(new ActionResult("vip-down", true, "released", 1_100));
        });
        reporter.start();
        assertThat(tickets.await(a.ticket(), 30_000).orElseThrow().status()).isEqualTo(Step.DONE);
        reporter.join();
        assertThat(tickets.await(999, 10)).isEmpty();
    }

    @Test
    void onlyTheLastTicketsAreKept() {
        long first = accept(stop()).ticket();
        for (int i = 0; i < CommandTickets.KEPT; i++) {
            accept(stop());
        }
        assertThat(tickets.outcome(first)).isEmpty();
        assertThat(tickets.recent(3)).hasSize(3);
        assertThat(tickets.recent(1).get(0).id()).isEqualTo(first + CommandTickets.KEPT);
    }
}
