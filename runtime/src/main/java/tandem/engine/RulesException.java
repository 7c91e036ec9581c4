package tandem.engine;

import java.util.List;
import tandem.TandemException;

/** Rules that do not compile (every error as {@code FILE:LINE: message}) or that keep re-firing. */
public final class RulesException extends TandemException {
    private final List<String> problems;
    private final List<String> rules;

    public RulesException(List<String> problems) {
        this(problems, List.of());
    }

    /** @param rules the names of the rules at fault, so that callers can say which file holds them */
    public RulesException(List<String> problems, List<String> rules) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
        this.rules = List.copyOf(rules);
    }

    /** The names of the rules at fault (a rule that keeps re-firing), or empty. */
    public List<String> rules() {
        return rules;
    }

    public List<String> problems() {
        return problems;
    }
}
