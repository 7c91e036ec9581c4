package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DropLogTest {

    private final DropLog log = new DropLog();

    @Test
    void theFirstDropIsLoggedThenOneLinePerWindowNamingHowManyWereLeftOut() {
        assertThat(log.admit("main", DropReason.BAD_HMAC, 1_000)).isZero();
        assertThat(log.admit("main", DropReason.BAD_HMAC, 1_001)).isEqualTo(-1);
        assertThat(log.admit("main", DropReason.BAD_HMAC, 10_999)).isEqualTo(-1);
        assertThat(log.admit("main", DropReason.BAD_HMAC, 11_000)).as("2 left out").isEqualTo(2);
        assertThat(log.admit("main", DropReason.BAD_HMAC, 11_500)).isEqualTo(-1);
        assertThat(log.admit("main", DropReason.BAD_HMAC, 60_000)).isEqualTo(1);
        assertThat(log.admit("main", DropReason.BAD_HMAC, 90_000)).as("nothing left out since").isZero();
    }

    @Test
    void eachLinkAndReasonHasItsOwnWindow() {
        assertThat(log.admit("main", DropReason.BAD_HMAC, 1_000)).isZero();
        assertThat(log.admit("main", DropReason.REPLAYED, 1_001)).isZero();
        assertThat(log.admit("second", DropReason.BAD_HMAC, 1_002)).isZero();
        assertThat(log.admit("main", DropReason.BAD_HMAC, 1_003)).isEqualTo(-1);
    }

    @Test
    void aClockThatWentBackLogsRatherThanStayingSilent() {
        assertThat(log.admit("main", DropReason.STALE, 50_000)).isZero();
        assertThat(log.admit("main", DropReason.STALE, 40_000)).isZero();
    }
}
