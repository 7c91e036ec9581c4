package tandem.engine;

import java.util.List;
import tandem.TandemException;

/** A profile without a descriptor, or a descriptor that is not valid: every problem as {@code FILE:LINE: field: message}. */
public final class ProfileException extends TandemException {
    private final List<String> problems;

    public ProfileException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
