package tandem.routes;

/** Turns Camel's nested exceptions into the one line a site engineer needs. */
final class Causes {
    private Causes() {}

    /**
     * The innermost message in the cause chain: Camel wraps the real reason ("No bean could be found
     * in the registry for: x", "Property with key [y] not found ...") in several layers that repeat it.
     */
    static String message(Throwable error) {
        String message = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            } else if (message == null) {
                message = t.getClass().getName();
            }
        }
        return oneLine(message);
    }

    static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
