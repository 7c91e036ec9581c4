package tandem.config;

import java.time.Duration;
import java.util.Objects;

/**
 * YAML {@code rules:}: limits the engine puts on the rules it runs.
 *
 * @param loopGuard YAML {@code loop-guard:}; defaults {@link ProfileDefaults#LOOP_GUARD_ACTIONS} within
 *                  {@link ProfileDefaults#LOOP_GUARD_WITHIN}
 */
public record Rules(LoopGuard loopGuard) {
    public Rules {
        Objects.requireNonNull(loopGuard, "loopGuard");
    }

    /** Every default. */
    public static Rules defaults() {
        return new Rules(new LoopGuard(ProfileDefaults.LOOP_GUARD_ACTIONS, ProfileDefaults.LOOP_GUARD_WITHIN));
    }

    /**
     * YAML {@code rules.loop-guard:}: a rule that asks for the same action more than {@code actions} times
     * within {@code within} is suspended (it fires no more until the node restarts), with an ERROR that
     * names it. Routine decisions (a replication cycle while paired) are not counted.
     *
     * @param actions YAML {@code actions}, 1..100000
     * @param within  YAML {@code within}, 1s..1d
     */
    public record LoopGuard(int actions, Duration within) {
        public LoopGuard {
            Objects.requireNonNull(within, "within");
        }
    }
}
