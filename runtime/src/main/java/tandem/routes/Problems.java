package tandem.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects problems from every phase (files, YAML, model checks, route creation) and hands them
 * back sorted like a compiler's output: by file in load order, then by line.
 */
final class Problems {
    private record Problem(int fileOrder, int line, int seq, String text) {}

    private final Map<Path, Integer> fileOrder = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    /** Registers the files in load order; problems of unregistered paths (folders) come first. */
    void order(List<Path> files) {
        for (Path file : files) {
            fileOrder.putIfAbsent(file, fileOrder.size());
        }
    }

    /** A problem in {@code file} at 1-based {@code line}; a line below 1 means unknown. */
    void add(Path file, int line, String message) {
        String text = line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
        problems.add(new Problem(fileOrder.getOrDefault(file, -1), Math.max(line, 0), problems.size(), text));
    }

    /** A problem that belongs to no file (the CamelContext itself). */
    void add(String message) {
        problems.add(new Problem(Integer.MAX_VALUE, 0, problems.size(), message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<String> lines() {
        return problems.stream()
                .sorted(Comparator.comparingInt(Problem::fileOrder)
                        .thenComparingInt(Problem::line)
                        .thenComparingInt(Problem::seq))
                .map(Problem::text)
                .toList();
    }
}
