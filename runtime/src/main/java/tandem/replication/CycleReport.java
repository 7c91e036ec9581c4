package tandem.replication;

import java.util.List;

/**
 * What one sync cycle did, as the standby saw it.
 *
 * @param full      a full comparison (every file), else the paths the active node reported changed
 * @param entries   files and folders compared
 * @param copied    files written (whole or by changed blocks)
 * @param bytes     bytes of file data received
 * @param deleted   files and folders removed (strict sync, or in the way)
 * @param touched   modification times set without copying (keep-timestamps)
 * @param millis    how long the cycle took
 * @param compareMillis of which comparing (both scans, the manifest, the plan)
 * @param warnings  files skipped this time (changed while copied, vanished); the next cycle takes them
 */
public record CycleReport(boolean full, long entries, long copied, long bytes, long deleted, long touched, long millis,
        long compareMillis, List<String> warnings) {
    public CycleReport {
        warnings = List.copyOf(warnings);
    }

    /** One line for the log and the action's detail. */
    public String summary() {
        return (full ? "full" : "partial") + " cycle: " + entries + " entries compared, " + copied + " files copied ("
                + bytes + " bytes), " + deleted + " deleted, " + touched + " timestamps set in " + millis + " ms (comparing "
                + compareMillis + " ms)"
                + (warnings.isEmpty() ? "" : "; " + warnings.size() + " skipped until the next cycle ("
                        + String.join("; ", warnings.subList(0, Math.min(3, warnings.size()))) + ")");
    }
}
