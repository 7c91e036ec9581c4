package tandem.redundancy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import tandem.config.Durations;
import tandem.config.Redundancy;
import tandem.config.ScheduleUnit;

/**
 * When the active node creates and transfers a backup (RED-4): the first run at the start date and
 * time in the schedule's zone, then every N units.
 *
 * <p>Minutes and hours are fixed durations counted from the first run, so a run every 6 hours stays
 * 6 hours after the last one across a daylight saving change (its wall-clock time moves by the
 * hour). Days and weeks are steps of the local calendar, so a daily run at 02:30 stays at 02:30;
 * on the day the clocks skip that time it runs at the first instant after the gap (03:30 in
 * Europe/Berlin), and where a time occurs twice it runs at the first.
 *
 * <p>Immutable; every method is a pure function of its arguments, so a caller passes the time
 * ({@code java.time.Clock} in the node, a pseudo clock in tests).
 */
public final class Schedule {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("dd.MM.uuuu HH:mm");
    private static final int MINUTES_PER_DAY = 24 * 60;
    private static final int HOURS_PER_DAY = 24;
    /**
     * Days {@link #collides} looks at beyond one cycle of the pattern: a whole year, so both sides of
     * every daylight saving change are seen.
     */
    private static final int YEAR_DAYS = 366;

    private final ScheduleUnit unit;
    private final int every;
    private final LocalDateTime start;
    private final ZoneId zone;
    private final Instant first;

    /**
     * @param every "repeat every N", at least 1
     */
    public Schedule(ScheduleUnit unit, int every, LocalDate startDate, LocalTime startTime, ZoneId zone) {
        this.unit = Objects.requireNonNull(unit, "unit");
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1, got " + every);
        }
        this.every = every;
        this.start = LocalDateTime.of(Objects.requireNonNull(startDate, "startDate"),
                Objects.requireNonNull(startTime, "startTime"));
        this.zone = Objects.requireNonNull(zone, "zone");
        this.first = ZonedDateTime.of(start, zone).toInstant();
    }

    /** The schedule of a node file's {@code redundancy.schedule}. */
    public static Schedule of(Redundancy.Timer timer) {
        return new Schedule(timer.unit(), timer.every(), timer.startDate(), timer.startTime(), timer.timeZone());
    }

    /** The first run: the start date and time in the schedule's zone. */
    public Instant first() {
        return first;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The nominal time between two runs (a calendar day counts as 24 h): for the age of the standby's data. */
    public Duration interval() {
        return switch (unit) {
            case MINUTES -> Duration.ofMinutes(every);
            case HOURS -> Duration.ofHours(every);
            case DAYS -> Duration.ofDays(every);
            case WEEKS -> Duration.ofDays(7L * every);
        };
    }

    /** The first run strictly after {@code after}. */
    public Instant next(Instant after) {
        return run(index(after) + 1);
    }

    /** The latest run at or before {@code at}; empty before the first run. */
    public Optional<Instant> latest(Instant at) {
        long k = index(at);
        return k < 0 ? Optional.empty() : Optional.of(run(k));
    }

    /**
     * The run that fell due while the node was down and so must run once now: the latest run at or
     * before {@code now} that is later than {@code lastRun}. However many runs were missed, this is
     * one run (the newest backup supersedes the older ones). A node that never ran ({@code lastRun}
     * null) catches up the latest run that is due, so a standby gets its first backup without
     * waiting a whole interval.
     *
     * @param lastRun the last run that started, null if there never was one
     */
    public Optional<Instant> missed(Instant lastRun, Instant now) {
        Objects.requireNonNull(now, "now");
        return latest(now).filter(r -> lastRun == null || r.isAfter(lastRun));
    }

    /**
     * The first run that falls inside the daily backup window {@code [start, start + duration)} in the
     * schedule's zone (RED-5), as a sentence naming its date and time; empty when none does. Looks at
     * one whole cycle of the pattern's wall-clock times and at least a year from the first run, so
     * both sides of a daylight saving change are seen; the work is bounded by that many days.
     */
    public Optional<String> collides(Redundancy.Window window) {
        Objects.requireNonNull(window, "window");
        LocalDate firstDay = start.toLocalDate().minusDays(1); // the day before: its window may run past midnight
        long days = Math.max(cycleDays(), YEAR_DAYS) + 1;
        for (long d = 0; d <= days; d++) {
            Instant opens = ZonedDateTime.of(firstDay.plusDays(d), window.start(), zone).toInstant();
            Instant closes = opens.plus(window.duration());
            Instant run = next(opens.minusNanos(1));
            if (run.isBefore(closes)) {
                return Optional.of("the run at " + shown(run) + " falls inside the backup window (daily "
                        + window.start() + " for " + Durations.format(window.duration()) + ")");
            }
        }
        return Optional.empty();
    }

    /** {@code 24.12.2026 02:30 Europe/Berlin}: a run as the schedule's zone shows it. */
    public String shown(Instant run) {
        return SHOWN.format(run.atZone(zone)) + " " + zone.getId();
    }

    /** {@code every 24 hours from 24.12.2026 02:30 Europe/Berlin}. */
    @Override
    public String toString() {
        return "every " + every + " " + unit.yamlName() + " from " + shown(first);
    }

    /** Days after which the runs' wall-clock times repeat (ignoring daylight saving). */
    private long cycleDays() {
        return switch (unit) {
            case MINUTES -> every / gcd(every, MINUTES_PER_DAY);
            case HOURS -> every / gcd(every, HOURS_PER_DAY);
            case DAYS -> every;
            case WEEKS -> 7L * every;
        };
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Run {@code k}, counting the first as 0. */
    private Instant run(long k) {
        return switch (unit) {
            case MINUTES -> first.plus(Duration.ofMinutes(every).multipliedBy(k));
            case HOURS -> first.plus(Duration.ofHours(every).multipliedBy(k));
            case DAYS, WEEKS -> ZonedDateTime.of(start.plusDays(k * stepDays()), zone).toInstant();
        };
    }

    private long stepDays() {
        return unit == ScheduleUnit.WEEKS ? 7L * every : every;
    }

    /** The index of the latest run at or before {@code at}; -1 before the first run. */
    private long index(Instant at) {
        Objects.requireNonNull(at, "at");
        if (at.isBefore(first)) {
            return -1;
        }
        if (!unit.calendar()) {
            return Duration.between(first, at).dividedBy(interval());
        }
        long days = ChronoUnit.DAYS.between(start.toLocalDate(), at.atZone(zone).toLocalDate());
        long k = Math.max(0, Math.floorDiv(days, stepDays()));
        // the local date is an estimate where the clocks change: settle it on the instants, which
        // differ from it by at most one step either way
        for (int i = 0; i < 3 && k > 0 && run(k).isAfter(at); i++) {
            k--;
        }
        for (int i = 0; i < 3 && !run(k + 1).isAfter(at); i++) {
            k++;
        }
        return k;
    }
}
