package tandem;

/**
 * Root of Tandem's own errors. Subclasses carry errors a user can act on (a file and line, a field
 * path, a rule name); anything else is a bug and surfaces as a plain runtime exception.
 */
public class TandemException extends RuntimeException {
    public TandemException(String message) {
        super(message);
    }

    public TandemException(String message, Throwable cause) {
        super(message, cause);
    }
}
