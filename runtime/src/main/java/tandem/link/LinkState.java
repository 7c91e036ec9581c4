package tandem.link;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One link as {@link PeerLink#links()} sees it at the moment of the call.
 *
 * @param name          {@code main} or {@code second}
 * @param listen        the local {@code address:port} the peer dials for this link
 * @param remote        the peer's {@code address:port} this node dials for this link
 * @param up            an authentic frame arrived within {@link Protocol#UP_INTERVALS} heartbeat intervals
 * @param lastGoodFrame when the last authentic frame arrived (local clock), empty if none yet
 * @param stats         this link's counters
 */
public record LinkState(String name, String listen, String remote, boolean up, Optional<Instant> lastGoodFrame,
                        LinkStats stats) {
    public LinkState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(lastGoodFrame, "lastGoodFrame");
        Objects.requireNonNull(stats, "stats");
    }
}
