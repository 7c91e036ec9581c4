package tandem.reload;

import java.util.List;
import tandem.TandemException;

/**
 * A reload that was refused: the running node keeps its rules and routes. Every problem names its
 * place: {@code FILE:LINE: message} for a rule, route or configuration, the scenario file and line of
 * an expectation that failed, or the reason the running node could not take the new set now.
 */
public final class ReloadException extends TandemException {
    private final List<String> problems;

    public ReloadException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a refused reload needs a reason");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
