package tandem.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of YAML {@code services:}: an application service only Tandem starts and stops (MS-1).
 * Services start in list order and stop in reverse.
 *
 * @param name         required; same pattern as {@code node.id}; unique
 * @param type         required; {@code systemd}, {@code windows}, {@code command} or {@code process}
 * @param unit         the unit or service name; required for systemd and windows, not allowed otherwise
 * @param start        shell command line that starts the service; required for command, not allowed
 *                     otherwise
 * @param stop         shell command line that stops the service; required for command, not allowed
 *                     otherwise
 * @param command      command line Tandem starts and supervises; required for process, not allowed
 *                     otherwise
 * @param startTimeout YAML {@code start-timeout}, &gt; 0, default 60s; how long a start may take before it
 *                     counts as failed
 * @param stopTimeout  YAML {@code stop-timeout}, &gt; 0, default 30s; how long a stop may take before it
 *                     counts as failed
 */
public record Service(String name, ServiceType type, Optional<String> unit, Optional<String> start,
        Optional<String> stop, Optional<String> command, Duration startTimeout, Duration stopTimeout) {
    public Service {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
    }
}
