package tandem.facts;

/**
 * The run of checker results of one resource, kept by the engine as results arrive (counting is
 * bookkeeping; what the counts mean is decided by the rise/fall rules in classify.drl).
 *
 * @param resource        resource name, {@code <type>.<name>}
 * @param critical        a failure of this resource on the active node leads to failover
 * @param ok              the latest result
 * @param consecutiveOk   good results in a row
 * @param consecutiveFail failed results in a row
 * @param failingSince    session time of the first failed result of the current run of failures, or -1
 * @param detail          the checker's detail of the latest result
 */
public record Probes(String resource, boolean critical, boolean ok, int consecutiveOk, int consecutiveFail,
                     long failingSince, String detail) {

    public static Probes first(ProbeResult r, boolean critical) {
        return new Probes(r.resource(), critical, r.ok(), r.ok() ? 1 : 0, r.ok() ? 0 : 1, r.ok() ? -1 : r.at(), r.detail());
    }

    /**
     * The run after {@code r}. Counts stop at {@code cap} (the larger of rise and fall): beyond it they
     * mean nothing more, and a run that stops changing leaves the rules nothing to re-evaluate.
     */
    public Probes next(ProbeResult r, int cap) {
        if (r.ok()) {
            return new Probes(resource, critical, true, Math.min(cap, consecutiveOk + 1), 0, -1, r.detail());
        }
        return new Probes(resource, critical, false, 0, Math.min(cap, consecutiveFail + 1),
                failingSince < 0 ? r.at() : failingSince, r.detail());
    }
}
