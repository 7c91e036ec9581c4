package tandem.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.ActionResult;
import tandem.facts.Decision;

/**
 * What became of the operator commands a node accepted: each accepted command gets a ticket naming the
 * actions the cycle that accepted it asked for (a stop's {@code stop-services} and {@code vip-down}, a
 * {@code boot-start-on}'s own action), and the ticket follows their results. A command is {@code done}
 * when every one of them succeeded, {@code failed} as soon as one did not (with that action's words),
 * {@code running} until then. A command whose cycle asked for no action is done when accepted. What the
 * actions set off later (the peer's takeover after a swap) is the next decisions', not the command's.
 *
 * <p>Results are matched to requests per action name in order: the n-th result of {@code stop-services}
 * answers its n-th request, as an action's lane runs one request after the other. Only the engine's thread
 * feeds it; any thread may read it. The last {@value #KEPT} tickets are kept.
 */
public final class CommandTickets {
    /** How many tickets are kept for asking after them. */
    public static final int KEPT = 200;

    /** One action of a command: its name and, once it reported, whether it succeeded and its words. */
    public record Step(String action, String status, String detail) {
        public static final String RUNNING = "running";
        public static final String DONE = "done";
        public static final String FAILED = "failed";
    }

    /**
     * What an accepted command became.
     *
     * @param id       the ticket's number, unique within the node's run
     * @param answer   the rules' answer
     * @param origin   who asked (api, jmx, cli, peer node2, ...)
     * @param at       when it was accepted (epoch ms)
     * @param status   {@code running}, {@code done} or {@code failed}
     * @param steps    its actions in the order asked for
     * @param endedAt  when it ended (epoch ms); -1 while running
     */
    public record Outcome(long id, CommandAnswer answer, String origin, long at, String status, List<Step> steps,
            long endedAt) {
        public boolean ended() {
            return !status.equals(Step.RUNNING);
        }

        /** The actions that have not reported yet, in the order asked for. */
        public List<String> waitingFor() {
            return steps.stream().filter(s -> s.status().equals(Step.RUNNING)).map(Step::action).toList();
        }

        /** One line: the command and what became of it, naming a failed action's words. */
        public String sentence() {
            StringBuilder sb = new StringBuilder(answer.command()).append(' ').append(status);
            for (Step s : steps) {
                if (s.status().equals(Step.FAILED)) {
                    sb.append(": ").append(s.action()).append(" failed: ").append(s.detail());
                    return sb.toString();
                }
            }
            if (status.equals(Step.RUNNING)) {
                sb.append(": waiting for ").append(String.join(", ", waitingFor()));
            } else if (!steps.isEmpty()) {
                sb.append(": ").append(String.join(", ", steps.stream().map(Step::action).toList()));
            } else {
                sb.append(": it asked for no action");
            }
            return sb.toString();
        }
    }

    private final java.util.function.LongSupplier clock;
    private final Map<String, Long> requested = new HashMap<>();
    private final Map<String, Long> reported = new HashMap<>();
    /** Open tickets' steps waiting for a result: action -> ordinal of the request -> (ticket, step index). */
    private final Map<String, Map<Long, long[]>> waiting = new HashMap<>();
    private final LinkedHashMap<Long, Outcome> tickets = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Outcome> eldest) {
            return size() > KEPT;
        }
    };
    private long next = 1;
    private volatile java.util.function.Consumer<Outcome> onEnd = o -> { };

    /** Told of every command as it ends (done or failed), once, on the thread that took in its last result. */
    public void onEnd(java.util.function.Consumer<Outcome> listener) {
        this.onEnd = listener;
    }

    /** @param clock the wall clock the outcomes' times are read from (epoch ms) */
    public CommandTickets(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /** Counts a request of {@code action} as it goes to its lane (every request, a command's or not). */
    public synchronized void requested(String action) {
        requested.merge(action, 1L, Long::sum);
    }

    /**
     * Opens a ticket for each command the cycle accepted, on the actions the cycle asked for, which have
     * been {@link #requested} already. Returns the answers with their tickets, in the cycle's order.
     */
    public synchronized List<CommandAnswer> open(CycleOutcome out, String origin) {
        List<String> actions = new ArrayList<>();
        for (Decision d : out.applied()) {
            actions.addAll(d.actions());
        }
        // the ordinals of this cycle's requests: the last ones counted per action
        Map<String, Long> base = new HashMap<>();
        for (String a : actions) {
            base.merge(a, 1L, Long::sum);
        }
        base.replaceAll((a, k) -> requested.getOrDefault(a, 0L) - k);
        List<Long> ordinals = new ArrayList<>();
        for (String a : actions) {
            ordinals.add(base.merge(a, 1L, Long::sum));
        }
        List<CommandAnswer> answers = new ArrayList<>();
        for (CommandAnswer a : out.answers()) {
            if (!a.accepted()) {
                answers.add(a);
                continue;
            }
            long id = next++;
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                steps.add(new Step(actions.get(i), Step.RUNNING, ""));
                // a result already in (a lane quicker than this thread) would leave the step running for ever
                if (ordinals.get(i) <= reported.getOrDefault(actions.get(i), 0L)) {
                    steps.set(i, new Step(actions.get(i), Step.DONE, "reported before the command's answer"));
                } else {
                    waiting.computeIfAbsent(actions.get(i), k -> new HashMap<>()).put(ordinals.get(i), new long[] {id, i});
                }
            }
            long now = clock.getAsLong();
            boolean none = steps.stream().allMatch(s -> s.status().equals(Step.DONE));
            tickets.put(id, new Outcome(id, a, origin, now, none ? Step.DONE : Step.RUNNING, List.copyOf(steps),
                    none ? now : -1));
            answers.add(a.withTicket(id, actions));
        }
        notifyAll();
        return answers;
    }

    /** Takes in an action's result: the step it answers, if a command's, is done or failed. */
    public void result(ActionResult r) {
        Outcome ended = take(r);
        if (ended != null) {
            onEnd.accept(ended);
        }
    }

    /** The ticket's new outcome when this result ended it, else null. */
    private synchronized Outcome take(ActionResult r) {
        long n = reported.merge(r.action(), 1L, Long::sum);
        Map<Long, long[]> w = waiting.get(r.action());
        long[] at = w == null ? null : w.remove(n);
        if (w != null && w.isEmpty()) {
            waiting.remove(r.action());
        }
        if (at == null) {
            return null;
        }
        Outcome o = tickets.get(at[0]);
        if (o == null) {
            return null;
        }
        List<Step> steps = new ArrayList<>(o.steps());
        String detail = r.ok() || r.finding().isEmpty() ? r.detail() : r.finding() + ": " + r.detail();
        steps.set((int) at[1], new Step(r.action(), r.ok() ? Step.DONE : Step.FAILED, detail));
        String status = o.status();
        long ended = o.endedAt();
        if (status.equals(Step.RUNNING)) {
            if (!r.ok()) {
                status = Step.FAILED;
                ended = clock.getAsLong();
            } else if (steps.stream().allMatch(s -> s.status().equals(Step.DONE))) {
                status = Step.DONE;
                ended = clock.getAsLong();
            }
        }
        Outcome now = new Outcome(o.id(), o.answer(), o.origin(), o.at(), status, List.copyOf(steps), ended);
        tickets.put(o.id(), now);
        notifyAll();
        return !o.ended() && now.ended() ? now : null;
    }

    /** The ticket's outcome as it is now; empty for a number never given out, or one too old to be kept. */
    public synchronized Optional<Outcome> outcome(long id) {
        return Optional.ofNullable(tickets.get(id));
    }

    /**
     * Waits at most {@code millis} for the ticket to end and returns it as it is then; empty as
     * {@link #outcome}.
     */
    public synchronized Optional<Outcome> await(long id, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        Outcome o = tickets.get(id);
        while (o != null && !o.ended()) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            wait(left);
            o = tickets.get(id);
        }
        return Optional.ofNullable(o);
    }

    /** The last {@code n} tickets, newest first. */
    public synchronized List<Outcome> recent(int n) {
        List<Outcome> all = new ArrayList<>(tickets.values());
        List<Outcome> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < n; i--) {
            out.add(all.get(i));
        }
        return out;
    }
}
