package tandem.config;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of YAML {@code schedules:}: an action the node runs on a timer (RED-1, RED-4).
 *
 * @param name   required; unique
 * @param action required; same pattern as {@code node.id}; the action to run, e.g. {@code backup}
 * @param every  required, &gt; 0; the period ("repeat every N", RED-4)
 * @param start  optional ISO local date-time of the first run, e.g. {@code 2026-01-01T02:00}; empty
 *               means one period after the node starts
 */
public record Schedule(String name, String action, Duration every, Optional<LocalDateTime> start) {
    public Schedule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(start, "start");
    }
}
