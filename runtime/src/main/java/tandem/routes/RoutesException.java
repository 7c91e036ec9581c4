package tandem.routes;

import java.util.List;
import tandem.TandemException;

/**
 * The route files are not valid. Carries every problem found, each one line
 * {@code FILE:LINE: message} (or {@code FILE: message} where no line is known), in file order, so
 * {@code tandem check} can print them as they are.
 */
public final class RoutesException extends TandemException {
    private final List<String> problems;

    public RoutesException(List<String> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each. */
    public List<String> problems() {
        return problems;
    }

    private static String summary(List<String> problems) {
        String count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
        return count + " in the routes:\n" + String.join("\n", problems);
    }
}
