package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingsTest {

    private static Duration dial(String heartbeat) {
        Duration hb = Duration.parse("PT" + heartbeat);
        return new Timings(hb, Duration.ofSeconds(1), hb.multipliedBy(3), 2, 3).dialTimeout();
    }

    @Test
    void theDialTimeoutIsTwoHeartbeatIntervalsBetweenOneAndTenSeconds() {
        assertThat(dial("0.1S")).as("fast heartbeats: at least 1 s").isEqualTo(Duration.ofSeconds(1));
        assertThat(dial("1S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(dial("3S")).isEqualTo(Duration.ofSeconds(6));
        assertThat(dial("30S")).as("slow heartbeats: at most 10 s").isEqualTo(Duration.ofSeconds(10));
    }
}
