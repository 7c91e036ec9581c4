package tandem.facts;

import java.util.Objects;

/**
 * Observation (one-shot): replication has work for the standby. Comes from the replication timer
 * (every {@code replication.interval}: a full comparison) or from the active node's notice that files
 * changed (continuous mode: only those). The rules decide whether a cycle runs now.
 *
 * @param full a full comparison, else only the changed paths the replication service holds
 * @param why  where it came from, for the log
 * @param at   when it was observed (engine clock, ms)
 */
public record SyncDue(boolean full, String why, long at) {
    public SyncDue {
        Objects.requireNonNull(why, "why");
    }
}
