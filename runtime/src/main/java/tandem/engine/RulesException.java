package tandem.engine;

import java.util.List;
import tandem.TandemException;

/** Rules that do not compile (every error as {@code FILE:LINE: message}) or that keep re-firing. */
public final class RulesException extends TandemException {
    private final List<String> problems;

    public RulesException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
