package tandem.node;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The console's view of a node's logs ({@link LogSetup}): {@code module} ({@code tandem.log}),
 * {@code commands} ({@code commands.log}) and {@code app:<service>} ({@code app/<service>.log}), newest line
 * first, {@value #PAGE} lines a page, optionally only the lines containing a text (case-insensitive). It
 * reads the last {@value #WINDOW} bytes of the current file; older lines are in the rotated files
 * ({@code <name>.<date>.<i>.log.gz} beside it), which it does not search.
 */
public final class LogPages {
    static final int PAGE = 50;
    static final int WINDOW = 2 << 20;

    private final Path dir;

    /** @param dir the node's log folder, {@code <state-dir>/logs} */
    public LogPages(Path dir) {
        this.dir = dir;
    }

    /** The logs this node has now: module, commands and one per service with an application log. */
    public List<String> names() {
        List<String> n = new ArrayList<>(List.of("module", "commands"));
        Path app = dir.resolve("app");
        if (Files.isDirectory(app)) {
            try (Stream<Path> s = Files.list(app)) {
                s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".log")).sorted()
                        .forEach(f -> n.add("app:" + f.substring(0, f.length() - 4)));
            } catch (IOException e) {
                // a folder that cannot be listed has no logs to offer
            }
        }
        return n;
    }

    /**
     * One page of a log, newest line first.
     *
     * @throws IllegalArgumentException naming the parameter, for an unknown log or a page below 0
     */
    public Map<String, Object> page(String name, int page, String query) {
        if (!names().contains(name)) {
            throw new IllegalArgumentException("log: \"" + name + "\" is not one of " + String.join(", ", names()));
        }
        if (page < 0) {
            throw new IllegalArgumentException("page: 0 or more, got " + page);
        }
        Path file = name.equals("module") ? dir.resolve("tandem.log") : name.equals("commands") ? dir.resolve("commands.log")
                : dir.resolve("app").resolve(name.substring(4) + ".log");
        List<String> lines = tail(file);
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        if (!q.isEmpty()) {
            lines.removeIf(l -> !l.toLowerCase(Locale.ROOT).contains(q));
        }
        Collections.reverse(lines);
        int pages = Math.max(1, (lines.size() + PAGE - 1) / PAGE);
        int from = Math.min(lines.size(), page * PAGE);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("log", name);
        m.put("file", file.toString());
        m.put("query", q);
        m.put("page", page);
        m.put("pages", pages);
        m.put("matching", lines.size());
        m.put("lines", new ArrayList<>(lines.subList(from, Math.min(lines.size(), from + PAGE))));
        m.put("logs", names());
        return m;
    }

    private static List<String> tail(Path file) {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long start = Math.max(0, len - WINDOW);
            byte[] b = new byte[(int) (len - start)];
            f.seek(start);
            f.readFully(b);
            String text = new String(b, StandardCharsets.UTF_8);
            String[] ls = text.split("\r?\n");
            // a window that starts mid-line drops that half line
            for (int i = start > 0 ? 1 : 0; i < ls.length; i++) {
                if (!ls[i].isEmpty()) {
                    out.add(ls[i]);
                }
            }
        } catch (IOException e) {
            out.add("(cannot read " + file + ": " + e.getMessage() + ")");
        }
        return out;
    }
}
