package tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tandem.config.Redundancy;
import tandem.config.ScheduleUnit;

/** RED-4's timer: unit, "repeat every N", start date and time, in a zone. */
class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant berlin(int year, int month, int day, int hour, int minute) {
        return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, BERLIN).toInstant();
    }

    private static Schedule schedule(ScheduleUnit unit, int every, String date, String time) {
        String[] d = date.split("\\.");
        return new Schedule(unit, every, LocalDate.of(Integer.parseInt(d[2]), Integer.parseInt(d[1]),
                Integer.parseInt(d[0])), LocalTime.parse(time), BERLIN);
    }

    private static Redundancy.Window window(String start, Duration duration) {
        return new Redundancy.Window(LocalTime.parse(start), duration);
    }

    @Test
    void theFirstRunIsTheStartDateAndTimeInTheZone() {
        Schedule s = schedule(ScheduleUnit.DAYS, 1, "24.12.2026", "02:30");

        assertThat(s.first()).isEqualTo(Instant.parse("2026-12-24T01:30:00Z"));
        assertThat(s.next(Instant.parse("2020-01-01T00:00:00Z"))).isEqualTo(s.first());
        assertThat(s.next(s.first().minusNanos(1))).isEqualTo(s.first());
        assertThat(s.next(s.first())).as("strictly after").isEqualTo(berlin(2026, 12, 25, 2, 30));
        assertThat(s.latest(s.first().minusSeconds(1))).isEmpty();
        assertThat(s).hasToString("every 1 days from 24.12.2026 02:30 Europe/Berlin");
    }

    @Test
    void minutesAreCountedFromTheFirstRun() {
        Schedule s = schedule(ScheduleUnit.MINUTES, 45, "24.12.2026", "02:30");

        assertThat(s.next(berlin(2026, 12, 24, 2, 30))).isEqualTo(berlin(2026, 12, 24, 3, 15));
        assertThat(s.next(berlin(2026, 12, 24, 23, 59))).as("02:30 + 29 x 45m").isEqualTo(berlin(2026, 12, 25, 0, 15));
        assertThat(s.latest(berlin(2026, 12, 24, 3, 59))).contains(berlin(2026, 12, 24, 3, 15));
        assertThat(s.latest(berlin(2026, 12, 24, 4, 0))).as("at or before").contains(berlin(2026, 12, 24, 4, 0));
        assertThat(s.interval()).isEqualTo(Duration.ofMinutes(45));
    }

    @Test
    void hoursAreFixedDurationsSoTheWallClockMovesWithDaylightSaving() {
        Schedule s = schedule(ScheduleUnit.HOURS, 6, "28.03.2027", "00:00");

        // Europe/Berlin skips 02:00..03:00 on 28.03.2027: six hours after midnight is 07:00 local
        assertThat(s.next(s.first())).isEqualTo(berlin(2027, 3, 28, 7, 0));
        assertThat(Duration.between(s.first(), s.next(s.first()))).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void daysKeepTheWallClockTimeAcrossDaylightSaving() {
        Schedule s = schedule(ScheduleUnit.DAYS, 1, "27.03.2027", "01:30");

        Instant sunday = s.next(s.first());
        assertThat(sunday).isEqualTo(berlin(2027, 3, 28, 1, 30));
        assertThat(s.next(sunday)).as("Monday, after the clocks went forward").isEqualTo(berlin(2027, 3, 29, 1, 30));
        assertThat(Duration.between(sunday, s.next(sunday))).isEqualTo(Duration.ofHours(23));
        // and back in October: 25 hours between two runs at the same wall-clock time
        Instant october = s.next(berlin(2027, 10, 30, 12, 0));
        assertThat(october).isEqualTo(berlin(2027, 10, 31, 1, 30));
        assertThat(s.next(october)).isEqualTo(berlin(2027, 11, 1, 1, 30));
        assertThat(Duration.between(october, s.next(october))).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void aRunInTheSkippedHourRunsRightAfterTheGap() {
        Schedule s = schedule(ScheduleUnit.DAYS, 1, "27.03.2027", "02:30");

        assertThat(s.next(berlin(2027, 3, 27, 12, 0))).as("02:30 does not exist on 28.03.2027")
                .isEqualTo(berlin(2027, 3, 28, 3, 30));
        assertThat(s.next(berlin(2027, 3, 28, 3, 30))).isEqualTo(berlin(2027, 3, 29, 2, 30));
    }

    @Test
    void weeksAreSevenCalendarDays() {
        Schedule s = schedule(ScheduleUnit.WEEKS, 2, "01.03.2027", "22:00");

        assertThat(s.next(s.first())).isEqualTo(berlin(2027, 3, 15, 22, 0));
        assertThat(s.next(berlin(2027, 3, 15, 22, 0))).as("across the change to summer time")
                .isEqualTo(berlin(2027, 3, 29, 22, 0));
        assertThat(s.latest(berlin(2027, 3, 29, 21, 59))).contains(berlin(2027, 3, 15, 22, 0));
        assertThat(s.interval()).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void aRunMissedWhileTheNodeWasDownRunsOnceAtStart() {
        Schedule s = schedule(ScheduleUnit.HOURS, 1, "24.12.2026", "00:00");
        Instant lastRun = berlin(2026, 12, 24, 3, 0);
        Instant now = berlin(2026, 12, 24, 8, 20); // down from 03:10: five runs missed

        assertThat(s.missed(lastRun, now)).as("the newest due run, once").contains(berlin(2026, 12, 24, 8, 0));
        assertThat(s.next(now)).isEqualTo(berlin(2026, 12, 24, 9, 0));
    }

    @Test
    void noRunIsMissedWhenTheLastOneIsTheLatestDue() {
        Schedule s = schedule(ScheduleUnit.DAYS, 1, "24.12.2026", "02:30");

        assertThat(s.missed(berlin(2026, 12, 25, 2, 30), berlin(2026, 12, 25, 20, 0))).isEmpty();
        assertThat(s.missed(null, berlin(2026, 12, 24, 2, 0))).as("before the first run").isEmpty();
        assertThat(s.missed(berlin(2026, 12, 25, 2, 30), berlin(2026, 12, 26, 2, 30)))
                .as("due exactly now: runs now, not again at the next slot").contains(berlin(2026, 12, 26, 2, 30));
    }

    @Test
    void aNodeThatNeverRanCatchesUpTheLatestDueRun() {
        Schedule s = schedule(ScheduleUnit.DAYS, 1, "24.12.2026", "02:30");

        assertThat(s.missed(null, berlin(2027, 1, 3, 9, 0))).contains(berlin(2027, 1, 3, 2, 30));
    }

    @Test
    void aRunInsideTheBackupWindowIsNamed() {
        Schedule daily = schedule(ScheduleUnit.DAYS, 1, "24.12.2026", "01:30");

        assertThat(daily.collides(window("01:00", Duration.ofMinutes(45))))
                .contains("the run at 24.12.2026 01:30 Europe/Berlin falls inside the backup window (daily 01:00 for 45m)");
        assertThat(daily.collides(window("01:00", Duration.ofMinutes(30)))).as("the window ends before 01:30").isEmpty();
        assertThat(daily.collides(window("23:30", Duration.ofHours(3)))).as("a window past midnight")
                .contains("the run at 24.12.2026 01:30 Europe/Berlin falls inside the backup window (daily 23:30 for 3h)");
        assertThat(daily.collides(window("23:30", Duration.ofHours(2)))).as("the window ends as the run starts").isEmpty();
        assertThat(daily.collides(window("01:31", Duration.ofHours(22)))).isEmpty();
        // a window lasts its duration in real time: on the 23-hour day of 28.03.2027, 23 hours from 01:31
        // reach past 01:30 of the next day
        assertThat(daily.collides(window("01:31", Duration.ofHours(23))))
                .contains("the run at 29.03.2027 01:30 Europe/Berlin falls inside the backup window (daily 01:31 for 23h)");
    }

    @Test
    void aPatternIsCheckedOverItsWholeCycle() {
        // every 7 hours: the wall-clock times come round again after 7 days; 22:00 first on the third day
        Schedule s = schedule(ScheduleUnit.HOURS, 7, "24.12.2026", "00:00");
        assertThat(s.collides(window("22:00", Duration.ofMinutes(15))))
                .contains("the run at 26.12.2026 22:00 Europe/Berlin falls inside the backup window (daily 22:00 for 15m)");
        assertThat(s.collides(window("23:01", Duration.ofMinutes(59)))).as("no run at a minute past the hour").isEmpty();

        // every 12 hours from 09:00 never comes near 01:00..03:00, in winter or in summer time
        assertThat(schedule(ScheduleUnit.HOURS, 12, "24.12.2026", "09:00")
                .collides(window("01:00", Duration.ofHours(2)))).isEmpty();
    }

    @Test
    void daylightSavingCanMoveAFixedDurationRunIntoTheWindow() {
        // every 24 hours from 02:30 in winter is 03:30 in summer time
        Schedule s = schedule(ScheduleUnit.HOURS, 24, "24.12.2026", "02:30");

        assertThat(s.collides(window("03:00", Duration.ofMinutes(45))))
                .contains("the run at 28.03.2027 03:30 Europe/Berlin falls inside the backup window (daily 03:00 for 45m)");
        assertThat(schedule(ScheduleUnit.DAYS, 1, "24.12.2026", "02:30").collides(window("03:00", Duration.ofMinutes(20))))
                .as("a daily run keeps 02:30; on 28.03.2027 it runs at 03:30, after a 20-minute window")
                .isEmpty();
    }

    @Test
    void theConfigsTimerMakesTheSchedule() {
        Schedule s = Schedule.of(new Redundancy.Timer(ScheduleUnit.WEEKS, 1, LocalDate.of(2027, 1, 4), LocalTime.of(23, 0),
                BERLIN));

        assertThat(s.first()).isEqualTo(berlin(2027, 1, 4, 23, 0));
        assertThat(s.zone()).isEqualTo(BERLIN);
        assertThat(s.next(s.first())).isEqualTo(berlin(2027, 1, 11, 23, 0));
        assertThat(s.latest(berlin(2030, 1, 1, 0, 0))).isEqualTo(Optional.of(berlin(2029, 12, 31, 23, 0)));
    }
}
