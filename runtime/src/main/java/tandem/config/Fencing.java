package tandem.config;

import java.time.Duration;
import java.util.Objects;

/**
 * YAML {@code fencing:}, optional: how a node that is about to take over from a silent peer makes sure
 * that peer is down first (STONITH). Without it the rules take over on the peer's silence alone.
 *
 * @param command YAML {@code command}, a shell line run on this node, e.g. a power switch's or a
 *                hypervisor's client, or {@code ssh peer systemctl stop app}; exit code 0 means the
 *                peer is down (or cannot serve), anything else that it may still run
 * @param timeout YAML {@code timeout}, default 30 s, at most 10 min; a command still running then is
 *                killed and counts as failed
 */
public record Fencing(String command, Duration timeout) {
    public Fencing {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
    }
}
