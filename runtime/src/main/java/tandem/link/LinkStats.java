package tandem.link;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counters of one link, or of all links summed ({@link PeerLink#stats()}); an immutable snapshot.
 *
 * @param framesSent     frames written to the peer (HELLO, heartbeats, commands)
 * @param sendFailures   frames that could not be written: peer down, connection refused or reset
 * @param framesAccepted authentic frames that were handled (delivered heartbeats and commands, HELLOs)
 * @param dropped        drops per reason; every reason is present, most with 0
 */
public record LinkStats(long framesSent, long sendFailures, long framesAccepted, Map<DropReason, Long> dropped) {
    public LinkStats {
        EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            all.put(r, 0L);
        }
        all.putAll(Objects.requireNonNull(dropped, "dropped"));
        dropped = Collections.unmodifiableMap(all);
    }

    /** Frames dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped.get(reason);
    }

    /** Frames dropped for any reason. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    static LinkStats sum(Collection<LinkStats> parts) {
        long sent = 0;
        long failures = 0;
        long accepted = 0;
        EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (LinkStats s : parts) {
            sent += s.framesSent;
            failures += s.sendFailures;
            accepted += s.framesAccepted;
            s.dropped.forEach((r, n) -> drops.merge(r, n, Long::sum));
        }
        return new LinkStats(sent, failures, accepted, drops);
    }
}
