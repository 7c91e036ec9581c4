package tandem.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of YAML {@code replication.folders:}: a folder kept identical on the standby (MS-4, SBS-5).
 *
 * @param path           required; absolute (relative YAML paths are resolved against the config file's
 *                       folder); unique
 * @param include        glob patterns of files to copy, default {@code ["**"]}
 * @param exclude        glob patterns of files to skip even if included, default {@code []}
 * @param strict         default false; delete files on the standby that the primary no longer has, only
 *                       inside this folder (SBS-6)
 * @param keepTimestamps YAML {@code keep-timestamps}, default false; copies get the source file's
 *                       modification time (SBS-7)
 * @param target         optional, absolute (resolved like {@code path}); where the standby keeps this
 *                       folder when it is not at {@code path} (two nodes on one machine, or a standby
 *                       that mounts the data elsewhere). Pushed with the folder list like everything
 *                       else here: the primary's list decides (SBS-5); the standby writes there only
 *                       when its own {@code path}s, {@code target}s or {@code allowed-roots} allow it
 * @param updateScript   optional (YAML {@code update-script}, SBS-4): a command line the active node runs
 *                       at each periodic cycle; it prints the paths changed since its last run, one per
 *                       line, relative to the folder (whose path it gets as {@code $1}), and the cycle
 *                       compares just those. The first cycle, and one after a failure, compare everything.
 */
public record Folder(Path path, List<String> include, List<String> exclude, boolean strict, boolean keepTimestamps,
        Optional<Path> target, Optional<String> updateScript) {
    public Folder {
        Objects.requireNonNull(path, "path");
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(updateScript, "updateScript");
    }

    /** A folder without an update script. */
    public Folder(Path path, List<String> include, List<String> exclude, boolean strict, boolean keepTimestamps,
            Optional<Path> target) {
        this(path, include, exclude, strict, keepTimestamps, target, Optional.empty());
    }

    /** A folder kept at the same path on both nodes. */
    public Folder(Path path, List<String> include, List<String> exclude, boolean strict, boolean keepTimestamps) {
        this(path, include, exclude, strict, keepTimestamps, Optional.empty());
    }

    /** Where the standby keeps this folder: {@code target}, else {@code path}. */
    public Path standbyPath() {
        return target.orElse(path);
    }
}
