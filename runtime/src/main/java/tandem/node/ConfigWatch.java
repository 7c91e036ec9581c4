package tandem.node;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.ConfigException;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.config.TextFile;

/**
 * Notices changes of the running node's configuration file (SBS-9): a changed file is validated at
 * once; an invalid one is reported (every problem, with file and line) and nothing of it is used; a
 * valid one is compared with the configuration the node runs. What can change safely while the node
 * runs ({@link #LIVE}) is handed to {@code apply}; everything else waits for the next start of the node
 * and the status lists it, field by field (YAML names, e.g. {@code timings.failover-timeout}). Checked
 * by {@link #check()}, which the runtime calls on a timer: a stat of the file, which is read only
 * when its size, time or inode changed, and parsed only when its content did.
 */
public final class ConfigWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatch.class);
    /**
     * Sections whose fields are applied while the node runs: the mail settings (a new mail sender). A
     * section added or removed as a whole waits for a restart (the rules know whether mail is set).
     */
    static final Set<String> LIVE = Set.of("mail");

    private final Path file;
    private final NodeConfig running;
    private final Consumer<NodeConfig> apply;
    private byte[] seen;
    private Object lastStat;
    private volatile View view = new View(List.of(), List.of(), null);

    /** What the status shows: fields applied, fields waiting for a restart, or why the file is refused. */
    public record View(List<String> applied, List<String> pending, String invalid) {
        public View {
            applied = List.copyOf(applied);
            pending = List.copyOf(pending);
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("applied", applied);
            m.put("pendingRestart", pending);
            m.put("invalid", invalid);
            return m;
        }
    }

    /**
     * @param running the configuration the node started with
     * @param apply   takes a new configuration whose live sections changed (called on the checking thread)
     */
    public ConfigWatch(NodeConfig running, Consumer<NodeConfig> apply) {
        this.running = Objects.requireNonNull(running, "running");
        this.file = running.file();
        this.apply = Objects.requireNonNull(apply, "apply");
        this.seen = digest(file);
        this.lastStat = stat(file);
    }

    public View view() {
        return view;
    }

    /** Reads the file again when it changed; see the class comment. */
    public void check() {
        // a stat every check; the content is read and hashed only when size, time or inode moved
        Object stat = stat(file);
        if (stat != null && stat.equals(lastStat)) {
            return;
        }
        lastStat = stat;
        byte[] now = digest(file);
        if (Arrays.equals(now, seen)) {
            return;
        }
        seen = now;
        NodeConfig next;
        try {
            next = ConfigLoader.load(file);
        } catch (ConfigException e) {
            view = new View(view.applied(), view.pending(), e.getMessage());
            LOG.error("{} changed and is not valid; the node keeps running with the configuration it started with:\n{}",
                    file, e.getMessage());
            return;
        } catch (RuntimeException e) {
            view = new View(view.applied(), view.pending(), file + ": " + e.getMessage());
            LOG.error("{} changed and cannot be read: {}", file, e.getMessage());
            return;
        }
        List<String> changed = new ArrayList<>();
        diff("", running, next, changed);
        List<String> live = changed.stream().filter(ConfigWatch::live).toList();
        List<String> pending = changed.stream().filter(f -> !live.contains(f)).toList();
        if (!live.isEmpty()) {
            apply.accept(next);
            LOG.info("{} changed: applied now: {}", file, String.join(", ", live));
        }
        if (!pending.isEmpty()) {
            LOG.warn("{} changed: {} take effect when the node is restarted (stop the service and start it again)",
                    file, String.join(", ", pending));
        }
        view = new View(live, pending, null);
    }

    /** Whether a changed field (a dotted path from {@link #diff}) is applied while the node runs. */
    public static boolean live(String field) {
        return field.contains(".") && LIVE.contains(field.split("\\.")[0]);
    }

    /** The dotted field paths where two configurations differ, as far down as records go. */
    public static void diff(String path, Object a, Object b, List<String> out) {
        if (Objects.equals(a, b)) {
            return;
        }
        if (a != null && b != null && a.getClass().isRecord() && a.getClass() == b.getClass()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                try {
                    String name = c.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
                    diff(path.isEmpty() ? name : path + "." + name, c.getAccessor().invoke(a),
                            c.getAccessor().invoke(b), out);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return;
        }
        if (a instanceof Optional<?> oa && b instanceof Optional<?> ob && oa.isPresent() && ob.isPresent()) {
            diff(path, oa.get(), ob.get(), out);
            return;
        }
        out.add(path);
    }

    private static Object stat(Path f) {
        try {
            var a = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
            return List.of(a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The hash of at most what {@link ConfigLoader} reads ({@link TextFile#DOCUMENT_LIMIT} + 1 bytes),
     * streamed: a file replaced by a huge one must not fill the heap of a running node.
     */
    private static byte[] digest(Path f) {
        try (java.io.InputStream in = Files.newInputStream(f)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[8192];
            long left = TextFile.DOCUMENT_LIMIT + 1L;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; left -= n) {
                sha.update(buffer, 0, n);
            }
            return sha.digest();
        } catch (IOException e) {
            return new byte[0];
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
