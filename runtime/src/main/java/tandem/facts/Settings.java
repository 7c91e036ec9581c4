package tandem.facts;

import tandem.config.ProfileDefaults;

/**
 * The configuration values the rules read, as one fact. Policy that depends on them (how long sbs waits
 * for an answer, how far the clocks may differ, who outranks whom) is written in the rules, not here.
 *
 * @param nodeId              this node's id
 * @param peerId              the peer's id
 * @param priority            tie-break when both nodes claim the active role (higher wins)
 * @param failoverTimeoutMs   how long without availability before the peer or a resource counts as failed (MS-3)
 * @param rise                consecutive good checks before a resource counts as up
 * @param fall                consecutive failed checks before a resource counts as down
 * @param witnessResource     the resource that probes the witness address, or null when no witness is configured
 * @param externalDatabase    MS-5: the database is outside the cluster, neither monitored nor replicated
 * @param primaryOnly         sbs {@code role: primary-only} (SBS-3): the main server
 * @param backupOnly          sbs {@code role: backup-only} (SBS-3): the backup server
 * @param backupLicense       sbs {@code backup-license} (SBS-12)
 * @param heartbeatIntervalMs {@code timings.heartbeat-interval}: how often each node sends a heartbeat (sbs
 *                            counts SBS-1's "no answer" in heartbeats, rules/sbs/classify.drl)
 * @param mail                whether notices can be mailed ({@code mail:} is configured)
 * @param rejoinWaitMs        how long a node that stepped down when it was cut off waits, once the witness
 *                            answers again, for its peer to be heard before it goes alone: the failover
 *                            timeout plus the longest the peer link's dial may wait (after a heal the link
 *                            needs up to that long to carry frames both ways again, the witness does not)
 * @param fencing             {@code fencing:} is configured: a node fences its silent peer before it takes over
 * @param maxClockSkewMs      {@code timings.max-clock-skew}: the peer's clock may differ by less than this
 *                            before {@code clock.peer} is down (MS-12)
 * @param loopGuardActions    {@code rules.loop-guard.actions}: a rule that asks for one action more often than
 *                            this within {@code loopGuardWithinMs} is suspended (the engine's loop guard)
 * @param loopGuardWithinMs   {@code rules.loop-guard.within}, in milliseconds
 */
public record Settings(String nodeId, String peerId, int priority, long failoverTimeoutMs, int rise, int fall,
                       String witnessResource, boolean externalDatabase, boolean primaryOnly, boolean backupOnly,
                       boolean backupLicense, long heartbeatIntervalMs, boolean mail, long rejoinWaitMs,
                       boolean fencing, long maxClockSkewMs, int loopGuardActions, long loopGuardWithinMs) {

    /**
     * Settings without the sbs options, mail and fencing, with ms-failover's heartbeat interval, a
     * rejoin wait of the failover timeout, and the default clock-skew limit and loop guard.
     */
    public Settings(String nodeId, String peerId, int priority, long failoverTimeoutMs, int rise, int fall,
                    String witnessResource, boolean externalDatabase) {
        this(nodeId, peerId, priority, failoverTimeoutMs, rise, fall, witnessResource, externalDatabase, false, false,
                false, ProfileDefaults.MS_FAILOVER.heartbeatInterval().toMillis(), false, failoverTimeoutMs, false,
                ProfileDefaults.MAX_CLOCK_SKEW.toMillis(), ProfileDefaults.LOOP_GUARD_ACTIONS,
                ProfileDefaults.LOOP_GUARD_WITHIN.toMillis());
    }

    public boolean witness() {
        return witnessResource != null;
    }

    /** The same settings with another loop guard: {@code actions} within {@code withinMs}. */
    public Settings withLoopGuard(int actions, long withinMs) {
        return new Settings(nodeId, peerId, priority, failoverTimeoutMs, rise, fall, witnessResource, externalDatabase,
                primaryOnly, backupOnly, backupLicense, heartbeatIntervalMs, mail, rejoinWaitMs, fencing, maxClockSkewMs,
                actions, withinMs);
    }
}
