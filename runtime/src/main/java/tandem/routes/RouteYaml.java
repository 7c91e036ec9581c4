package tandem.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * What Camel's YAML DSL does not tell us: the shape of a route file, read with the same parser the
 * DSL uses (snakeyaml-engine), and the file and line of a YAML DSL error.
 *
 * <p>Camel's YAML DSL errors are {@link MarkedYamlEngineException}s (its own
 * {@code UnknownNodeIdException}, {@code UnsupportedFieldException}, {@code DuplicateKeyException}
 * ... and snakeyaml's {@code ParserException}/{@code ScannerException}), usually wrapped in a
 * {@code RuntimeCamelException} or {@code IOException}; the problem {@link Mark} holds the 0-based
 * line and column.
 */
final class RouteYaml {
    private RouteYaml() {}

    /**
     * The top level of one file.
     *
     * @param blank        nothing but comments or blank lines: a file with no routes, which is fine
     * @param notAList     why the file is not a list of DSL items, or null when it is one
     * @param line         1-based line of the offending top-level node (for {@code notAList})
     * @param itemLines    0-based first line of each top-level list item, in order
     * @param splittable   each item starts on its own line, so it can be parsed alone
     */
    record Shape(boolean blank, String notAList, int line, List<Integer> itemLines, boolean splittable) {}

    /** Reads the top level of {@code file}; throws snakeyaml's exception on a syntax error. */
    static Shape shape(RouteFile file) {
        Compose compose = new Compose(LoadSettings.builder().setLabel(file.path().toString()).build());
        List<Node> documents = new ArrayList<>();
        compose.composeAllFromString(file.text()).forEach(documents::add);
        if (documents.isEmpty()) {
            return new Shape(true, null, 0, List.of(), false);
        }
        for (Node document : documents) {
            if (!(document instanceof SequenceNode)) {
                return new Shape(false,
                        "the file must be a YAML list of Camel DSL items (\"- route:\", \"- routeConfiguration:\"),"
                                + " but its top level is a " + document.getNodeType().name().toLowerCase(),
                        line(document.getStartMark()), List.of(), false);
            }
        }
        if (documents.size() > 1) {
            return new Shape(false, null, 0, List.of(), false);
        }
        SequenceNode list = (SequenceNode) documents.get(0);
        List<Integer> itemLines = new ArrayList<>();
        boolean splittable = list.getFlowStyle() == FlowStyle.BLOCK;
        for (Node item : list.getValue()) {
            int line = item.getStartMark().map(Mark::getLine).orElse(-1);
            if (line < 0 || (!itemLines.isEmpty() && line <= itemLines.get(itemLines.size() - 1))) {
                splittable = false;
            }
            itemLines.add(line);
        }
        return new Shape(false, null, 0, itemLines, splittable);
    }

    /**
     * The text of item {@code index} alone, preceded by as many empty lines as the file has before
     * it, so the DSL reports the same line numbers as for the whole file.
     */
    static String item(RouteFile file, Shape shape, int index) {
        String[] lines = file.text().split("\r?\n", -1);
        int from = shape.itemLines().get(index);
        int to = index + 1 < shape.itemLines().size() ? shape.itemLines().get(index + 1) : lines.length;
        StringBuilder text = new StringBuilder("\n".repeat(from));
        for (int i = from; i < to; i++) {
            text.append(lines[i]).append('\n');
        }
        return text.toString();
    }

    /** Adds the problem {@code error} describes, at its line when the YAML parser marked one. */
    static void report(Problems problems, RouteFile file, Throwable error) {
        MarkedYamlEngineException marked = marked(error);
        if (marked == null) {
            problems.add(file.path(), 0, Causes.message(error));
            return;
        }
        Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
        String problem = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
        StringBuilder text = new StringBuilder(Causes.oneLine(problem));
        List<String> where = new ArrayList<>();
        mark.ifPresent(m -> where.add("column " + (m.getColumn() + 1)));
        if (marked.getProblem() != null && marked.getContext() != null) {
            String context = Causes.oneLine(marked.getContext());
            where.add(marked.getContextMark()
                    .filter(m -> mark.isEmpty() || m.getLine() != mark.get().getLine())
                    .map(m -> context + " that starts at line " + (m.getLine() + 1))
                    .orElse(context));
        }
        if (!where.isEmpty()) {
            text.append(" (").append(String.join("; ", where)).append(')');
        }
        problems.add(file.path(), mark.map(m -> m.getLine() + 1).orElse(0), text.toString());
    }

    /** Whether {@code error} is (or wraps) a YAML error with a position. */
    static boolean isMarked(Throwable error) {
        return marked(error) != null;
    }

    /** Whether {@code error} is snakeyaml's own syntax error rather than one of the DSL's. */
    static boolean isSyntax(Throwable error) {
        MarkedYamlEngineException marked = marked(error);
        return marked != null && marked.getClass().getName().startsWith("org.snakeyaml.");
    }

    private static MarkedYamlEngineException marked(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYamlEngineException m) {
                return m;
            }
        }
        return null;
    }

    private static int line(Optional<Mark> mark) {
        return mark.map(m -> m.getLine() + 1).orElse(0);
    }
}
