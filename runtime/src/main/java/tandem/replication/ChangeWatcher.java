package tandem.replication;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Folder;

/**
 * Continuous mode's change stream on the active node (MS-4): watches the replicated folders (JDK
 * WatchService, inotify on Linux, every directory registered) and, {@link #WINDOW} after the first
 * change of a burst, sends the standby one notice listing the changed paths per folder. Bursts too big
 * to list (more than {@link #MAX_PATHS} paths, about 32 KiB of notice) and lost events (the kernel's
 * queue overflowed) become a notice asking for a full comparison; the periodic full comparison
 * ({@code replication.interval}) catches anything else a watcher can miss.
 */
public final class ChangeWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeWatcher.class);
    /** How long a burst of changes is gathered before the notice goes out. */
    static final long WINDOW = 100;
    /** Most paths in one notice. */
    static final int MAX_PATHS = 400;

    private final List<Folder> folders;
    private final Consumer<ObjectNode> notify;
    private final WatchService watch;
    private final Map<WatchKey, Path> dirs = new HashMap<>();
    private final Map<WatchKey, Folder> owners = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public ChangeWatcher(List<Folder> folders, Consumer<ObjectNode> notify) throws IOException {
        this.folders = List.copyOf(folders);
        this.notify = notify;
        this.watch = FileSystems.getDefault().newWatchService();
        for (Folder f : this.folders) {
            if (Files.isDirectory(f.path())) {
                registerTree(f, f.path());
            } else {
                LOG.warn("replication: folder {} does not exist (yet); it is watched once a full cycle created it",
                        f.path());
            }
        }
        this.thread = new Thread(this::loop, "tandem-sync-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void registerTree(Folder f, Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                WatchKey k = dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
                dirs.put(k, dir);
                owners.put(k, f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void loop() {
        Map<Folder, Set<String>> burst = new LinkedHashMap<>();
        boolean full = false;
        long first = -1;
        while (!closed) {
            WatchKey key;
            try {
                long wait = first < 0 ? 1000 : Math.max(1, WINDOW - (System.nanoTime() / 1_000_000 - first));
                key = watch.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key != null) {
                Path dir = dirs.get(key);
                Folder f = owners.get(key);
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                        full = true;
                        continue;
                    }
                    if (dir == null || f == null) {
                        continue;
                    }
                    Path child = dir.resolve((Path) ev.context());
                    String rel = f.path().relativize(child).toString().replace('\\', '/');
                    if (rel.contains(".tandem-sync-")) {
                        continue;
                    }
                    burst.computeIfAbsent(f, k -> new TreeSet<>()).add(rel);
                    if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        try {
                            registerTree(f, child);
                            try (var s = Files.walk(child)) {
                                s.forEach(p -> burst.get(f).add(f.path().relativize(p).toString().replace('\\', '/')));
                            }
                        } catch (IOException | java.io.UncheckedIOException e) {
                            full = true;
                        }
                    }
                }
                if (!key.reset()) {
                    dirs.remove(key);
                    owners.remove(key);
                }
                if (first < 0) {
                    first = System.nanoTime() / 1_000_000;
                }
            }
            if (first >= 0 && System.nanoTime() / 1_000_000 - first >= WINDOW) {
                send(burst, full);
                burst.clear();
                full = false;
                first = -1;
            }
        }
    }

    private void send(Map<Folder, Set<String>> burst, boolean full) {
        int count = burst.values().stream().mapToInt(Set::size).sum();
        ObjectNode n = SyncCodec.JSON.createObjectNode();
        if (full || count > MAX_PATHS) {
            n.put("full", true);
        } else if (count == 0) {
            return;
        } else {
            ObjectNode changes = n.putObject("changes");
            burst.forEach((f, paths) -> {
                ArrayNode a = changes.putArray(f.path().toString());
                paths.forEach(a::add);
            });
        }
        try {
            notify.accept(n);
        } catch (RuntimeException e) {
            LOG.debug("replication: notice not sent: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watch.close();
        } catch (IOException e) {
            LOG.debug("replication: closing the watcher: {}", e.toString());
        }
        thread.interrupt();
    }
}
