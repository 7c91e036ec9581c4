package tandem.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * YAML {@code replication:}: how the active node's data reaches the standby.
 *
 * @param mode             {@code continuous} or {@code periodic}; default per profile
 *                         ({@link ProfileDefaults#replication()}): continuous for ms-failover (MS-4),
 *                         periodic for sbs (SBS-4) and redundancy (RED-1)
 * @param interval         &gt; 0, default 60s; the periodic cycle, or in continuous mode the full
 *                         comparison that catches what the change stream missed
 * @param externalDatabase YAML {@code external-database}, default false; true means the database is
 *                         neither monitored nor replicated (MS-5)
 * @param folders          default empty; folder paths are unique
 * @param preSync          YAML {@code pre-sync}, optional: a command line the active node runs before
 *                         each cycle it serves, e.g. a database dump into a replicated folder; a
 *                         failure fails the cycle (the standby's data is not uptodate then)
 * @param postTakeover     YAML {@code post-takeover}, optional: a command line run before the managed
 *                         services start whenever this node becomes active (a takeover, an election, a
 *                         swap), e.g. restoring the dump {@code pre-sync} made; a failure fails the start
 * @param port             YAML {@code port}, optional: the sync channel's port on {@code listen.address};
 *                         default {@code listen.port + 2}
 * @param peerPort         YAML {@code peer-port}, optional: the peer's sync channel port; default
 *                         {@code peer.port + 2}
 * @param allowedRoots     YAML {@code allowed-roots}, default empty; absolute (relative YAML paths are
 *                         resolved against the config file's folder), never a file-system root. As the
 *                         standby this node writes only into its own folders ({@code path} and
 *                         {@code target}) and into folders that equal or lie inside one of these: for
 *                         sites that add folders on the primary only
 */
public record Replication(ReplicationMode mode, Duration interval, boolean externalDatabase, List<Folder> folders,
        Optional<String> preSync, Optional<String> postTakeover, Optional<Integer> port, Optional<Integer> peerPort,
        List<java.nio.file.Path> allowedRoots) {
    public Replication {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(interval, "interval");
        folders = List.copyOf(folders);
        Objects.requireNonNull(preSync, "preSync");
        Objects.requireNonNull(postTakeover, "postTakeover");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(peerPort, "peerPort");
        allowedRoots = List.copyOf(allowedRoots);
    }

    /** Without allowed roots: as the standby, this node writes into its own folders only. */
    public Replication(ReplicationMode mode, Duration interval, boolean externalDatabase, List<Folder> folders,
            Optional<String> preSync, Optional<String> postTakeover, Optional<Integer> port, Optional<Integer> peerPort) {
        this(mode, interval, externalDatabase, folders, preSync, postTakeover, port, peerPort, List.of());
    }

    /** Without hooks. */
    public Replication(ReplicationMode mode, Duration interval, boolean externalDatabase, List<Folder> folders) {
        this(mode, interval, externalDatabase, folders, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
