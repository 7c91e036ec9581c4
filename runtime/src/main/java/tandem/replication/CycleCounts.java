package tandem.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tandem.sync.FolderWriter;
import tandem.sync.HashCache;

/** What a cycle did; fetches of two threads add to it, so every update holds its lock. */
final class CycleCounts {
    long entries;
    long copied;
    long bytes;
    long deleted;
    long touched;
    long compareMillis;
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    final List<FolderWriter> writers = new ArrayList<>();
    final Set<HashCache> caches = new LinkedHashSet<>();

    synchronized void copied(long files) {
        copied += files;
    }

    synchronized void bytes(long b) {
        bytes += b;
    }
}
