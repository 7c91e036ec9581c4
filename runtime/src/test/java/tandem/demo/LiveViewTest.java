package tandem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's screen: the story and the instructions stay; only the status block is redrawn, and only on a change. */
class LiveViewTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    /**
     * What a terminal shows after {@code text}: lines, with the only sequences LiveView may write: carriage
     * return, cursor up N lines and clear to the end of the screen. Anything else fails the test.
     */
    static List<String> screen(String text) {
        List<String> rows = new ArrayList<>(List.of(""));
        int row = 0;
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (ch == '\033') {
                int end = i + 2;
                while (!Character.isLetter(text.charAt(end))) {
                    end++;
                }
                String param = text.substring(i + 2, end);
                char cmd = text.charAt(end);
                assertThat(text.charAt(i + 1)).isEqualTo('[');
                if (cmd == 'A') {
                    row -= Integer.parseInt(param);
                    assertThat(row).as("the cursor stays on the screen").isGreaterThanOrEqualTo(0);
                } else if (cmd == 'J' && param.isEmpty()) {
                    rows.subList(row, rows.size()).clear();
                    rows.add("");
                } else {
                    throw new AssertionError("unexpected escape sequence ESC[" + param + cmd);
                }
                i = end + 1;
                continue;
            }
            if (ch == '\r') {
                assertThat(rows.get(row)).as("a carriage return only at the start of an empty row").isEmpty();
            } else if (ch == '\n') {
                row++;
                if (row == rows.size()) {
                    rows.add("");
                }
            } else {
                rows.set(row, rows.get(row) + ch);
            }
            i++;
        }
        return rows.subList(0, rows.size() - (rows.get(rows.size() - 1).isEmpty() ? 1 : 0));
    }

    @Test
    void onATerminalTheStoryAndTheInstructionsStayAndTheBlockIsRedrawnBelowThem() {
        LiveView view = new LiveView(out, true);

        view.line("* starting node1 and node2");
        view.status(List.of("  node1  WAIT uptodate", "  node2  down"));
        view.status(List.of("  node1  PRIM uptodate", "  node2  SECOND uptodate"));
        view.line("* both up");
        view.line("Try:");
        view.line("  bin/tandem status --config node1.yaml");
        for (int i = 0; i < 50; i++) {
            view.status(List.of("  node1  PRIM uptodate  <- serving", "  node2  SECOND uptodate"));
        }
        view.status(List.of("  node1  down", "  node2  ALONE uptodate"));

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(screen(text)).containsExactly("* starting node1 and node2", "* both up", "Try:",
                "  bin/tandem status --config node1.yaml", "  node1  down", "  node2  ALONE uptodate");
        assertThat(text).as("no clearing of the whole screen, no jump to its top").doesNotContain("\033[2J", "\033[H");
        assertThat(text.split("serving", -1)).as("an unchanged block is not written again").hasSize(2);
    }

    @Test
    void elsewhereItWritesNoEscapesAndPrintsTheBlockWhenItChanges() {
        LiveView view = new LiveView(out, false);

        view.line("* starting");
        view.status(List.of("  node1  WAIT"));
        view.status(List.of("  node1  WAIT"));
        view.line("Try:");
        view.status(List.of("  node1  PRIM"));

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\033").isEqualTo("* starting\n  node1  WAIT\nTry:\n  node1  PRIM\n");
    }

    @Test
    void aConsoleWithATermIsATerminalUnlessNoColorOrDumb() {
        assertThat(LiveView.terminal(true, Map.of("TERM", "xterm-256color"))).isTrue();
        assertThat(LiveView.terminal(true, Map.of("TERM", "xterm", "NO_COLOR", ""))).as("NO_COLOR empty: unset").isTrue();
        assertThat(LiveView.terminal(true, Map.of("TERM", "xterm", "NO_COLOR", "1"))).isFalse();
        assertThat(LiveView.terminal(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(LiveView.terminal(true, Map.of())).isFalse();
        assertThat(LiveView.terminal(false, Map.of("TERM", "xterm"))).as("output to a pipe or a file").isFalse();
    }
}
