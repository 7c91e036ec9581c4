package tandem.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
 */
public record Replication(ReplicationMode mode, Duration interval, boolean externalDatabase, List<Folder> folders) {
    public Replication {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(interval, "interval");
        folders = List.copyOf(folders);
    }
}
