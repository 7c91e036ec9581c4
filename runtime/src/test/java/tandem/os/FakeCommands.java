package tandem.os;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Commands} that answers from a script and records every argv it was asked to run. An argv
 * without a scripted answer exits 0 with no output.
 */
public final class FakeCommands implements Commands {

    private final Map<String, Result> answers = new HashMap<>();
    private final Map<String, Deque<Result>> inTurn = new HashMap<>();
    private final List<String> calls = new ArrayList<>();

    /** {@code command} is the argv joined with single spaces, e.g. {@code systemctl is-active app.service}. */
    public FakeCommands answer(String command, int exitCode, String stdout) {
        return answer(command, new Result(exitCode, stdout, "", false));
    }

    public FakeCommands answerError(String command, int exitCode, String stderr) {
        return answer(command, new Result(exitCode, "", stderr, false));
    }

    public FakeCommands answerTimeout(String command) {
        return answer(command, new Result(KILLED, "", "", true));
    }

    public synchronized FakeCommands answer(String command, Result result) {
        answers.put(command, result);
        return this;
    }

    /**
     * Answers the first runs of {@code command} with {@code first}, one each, in order; later runs get
     * what {@link #answer} scripted, else exit 0 with no output.
     */
    public synchronized FakeCommands answerInTurn(String command, Result... first) {
        inTurn.computeIfAbsent(command, c -> new ArrayDeque<>()).addAll(List.of(first));
        return this;
    }

    @Override
    public synchronized Result run(List<String> argv, Duration timeout) {
        String command = String.join(" ", argv);
        calls.add(command);
        Deque<Result> next = inTurn.get(command);
        if (next != null && !next.isEmpty()) {
            return next.removeFirst();
        }
        return answers.getOrDefault(command, new Result(0, "", "", false));
    }

    /** Every argv run so far, joined with spaces, in order. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
