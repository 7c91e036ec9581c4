package tandem.config;

import java.util.Optional;

/**
 * YAML {@code redundancy.schedule.unit}: the manual's "Timer-Intervall" (RED-4), the unit of "repeat
 * every N". Minutes and hours are fixed durations counted from the first run; days and weeks are
 * calendar steps in the schedule's time zone, so a run keeps its wall-clock time across a daylight
 * saving change.
 */
public enum ScheduleUnit implements YamlNamed {
    MINUTES("minutes"),
    HOURS("hours"),
    DAYS("days"),
    WEEKS("weeks");

    private final String yamlName;

    ScheduleUnit(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** True for days and weeks: steps of the local calendar rather than of elapsed time. */
    public boolean calendar() {
        return this == DAYS || this == WEEKS;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<ScheduleUnit> of(String yamlName) {
        return YamlNamed.lookup(ScheduleUnit.class, yamlName);
    }
}
