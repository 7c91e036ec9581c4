package tandem.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tandem.config.Folder;
import tandem.config.Replication;

/**
 * Where this node, as the standby, may write. The folder list comes from the active node (SBS-5), but
 * a node with the cluster secret (a compromised or forged peer) must not be able to name {@code /etc}
 * or {@code /root/.ssh}, strict, with an empty manifest. So a folder the active node names is accepted
 * only when this node's own configuration allows it: it is one of this node's own
 * {@code replication.folders} (its {@code path} or its {@code target}), or it equals or lies inside one
 * of {@code replication.allowed-roots}. Both sides are compared by their real paths (symbolic links
 * resolved, for the part that exists), so no link and no {@code ..} leads out.
 */
public final class AllowedTargets {
    private final List<Path> folders;
    private final List<Path> roots;

    /**
     * @param folders folders this node may write into as a whole (absolute)
     * @param roots   folders inside which this node may write any folder (absolute)
     */
    public AllowedTargets(List<Path> folders, List<Path> roots) {
        this.folders = List.copyOf(folders);
        this.roots = List.copyOf(roots);
    }

    /** What a node's {@code replication:} section allows: its folders' paths and targets, its allowed roots. */
    public static AllowedTargets of(Replication r) {
        Set<Path> own = new LinkedHashSet<>();
        for (Folder f : r.folders()) {
            own.add(f.path());
            own.add(f.standbyPath());
        }
        return new AllowedTargets(List.copyOf(own), r.allowedRoots());
    }

    /** Thrown for a target this node's configuration does not allow. */
    static final class NotAllowed extends Exception {
        NotAllowed(String message) {
            super(message);
        }
    }

    /**
     * The real path of {@code target} when this node may write there.
     *
     * @throws NotAllowed when it may not: not absolute, not in normal form, or outside what the
     *                    configuration allows
     * @throws IOException when a path could not be resolved
     */
    Path check(Path target) throws NotAllowed, IOException {
        if (!target.isAbsolute() || !target.equals(target.normalize())) {
            throw new NotAllowed("target " + target + " is not an absolute path in normal form");
        }
        Path real = real(target);
        for (Path f : folders) {
            if (real.equals(real(f))) {
                return real;
            }
        }
        for (Path r : roots) {
            if (real.startsWith(real(r))) {
                return real;
            }
        }
        throw new NotAllowed("target " + target + (real.equals(target) ? "" : " (really " + real + ")")
                + " is neither one of this node's replication.folders (path or target) nor inside one of its"
                + " replication.allowed-roots " + describe());
    }

    /** This node's list, for messages. */
    String describe() {
        return "(folders " + folders + ", allowed-roots " + roots + ")";
    }

    /**
     * The path with every symbolic link of the part that exists resolved; the part that does not exist
     * yet (the standby creates it) appended as it is: it holds no link.
     */
    static Path real(Path p) throws IOException {
        Path abs = Objects.requireNonNull(p, "p").toAbsolutePath().normalize();
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        // a dangling link fails here: nothing is written through it
        Path real = existing == null ? abs.getRoot() : existing.toRealPath();
        while (!missing.isEmpty()) {
            real = real.resolve(missing.pop());
        }
        return real;
    }
}
