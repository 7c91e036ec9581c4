package tandem.sim;

import java.util.List;
import tandem.TandemException;

/** A scenario that cannot run: every problem as {@code FILE:LINE: message}. */
public final class ScenarioException extends TandemException {
    private final List<String> problems;

    public ScenarioException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
