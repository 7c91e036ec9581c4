package tandem.demo;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The demo's screen: story lines that stay, and below them a status block (one line per node) kept
 * current. On a terminal the block is redrawn in place, and only when it changed: the cursor goes back
 * up over the block's lines, which are cleared and written again, so nothing printed above it is ever
 * wiped. Elsewhere (a pipe, a file, {@code TERM=dumb}, {@code NO_COLOR} set) no escape sequence is
 * written: the block is printed again, as plain lines, each time it changes.
 */
final class LiveView {
    private final PrintStream out;
    private final boolean terminal;
    private List<String> shown = List.of();

    LiveView(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Whether this process writes to a terminal that takes cursor movements: a console, a {@code TERM}
     * other than {@code dumb}, and no {@code NO_COLOR} (which asks for plain output).
     */
    static boolean terminal(Map<String, String> env) {
        return terminal(System.console() != null, env);
    }

    static boolean terminal(boolean console, Map<String, String> env) {
        String term = env.get("TERM");
        return console && term != null && !term.isEmpty() && !term.equals("dumb")
                && (env.get("NO_COLOR") == null || env.get("NO_COLOR").isEmpty());
    }

    /** A story line: printed above the block and left there. */
    synchronized void line(String text) {
        if (terminal) {
            erase();
            out.println(text);
            draw();
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** The block's new content; written only when it differs from what is shown. */
    synchronized void status(List<String> lines) {
        if (lines.equals(shown)) {
            return;
        }
        if (terminal) {
            erase();
            shown = List.copyOf(lines);
            draw();
        } else {
            shown = List.copyOf(lines);
            shown.forEach(out::println);
        }
        out.flush();
    }

    private void erase() {
        if (!shown.isEmpty()) {
            out.print("\r\033[" + shown.size() + "A\033[J");
        }
    }

    private void draw() {
        shown.forEach(out::println);
    }
}
