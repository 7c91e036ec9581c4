package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pieces the loader's messages depend on. */
class HelpersTest {

    @Test
    void durationsParse() {
        assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(Durations.parse("1s")).contains(Duration.ofSeconds(1));
        assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(Durations.parse("2h")).contains(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).contains(Duration.ofDays(1));
        assertThat(Durations.parse("1m30s")).contains(Duration.ofSeconds(90));
        assertThat(Durations.parse("30")).isEmpty();
        assertThat(Durations.parse("1.5s")).isEmpty();
        assertThat(Durations.parse("1 s")).isEmpty();
        assertThat(Durations.parse("PT1S")).isEmpty();
        assertThat(Durations.parse("99999999999999999999d")).isEmpty();
    }

    @Test
    void durationsFormatShortest() {
        assertThat(Durations.format(Duration.ofSeconds(40))).isEqualTo("40s");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMinutes(60))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void addresses() {
        assertThat(List.of("10.0.0.2", "0.0.0.0", "::", "::1", "fe80::1%eth0", "2001:db8::8a2e:370:7334",
                "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "node2", "smtp.example.org", "node-2.local."))
                .allMatch(Addresses::isHostOrAddress);
        assertThat(List.of("10.0.0.256", "10.0.0", "1:2:3:4:5:6:7:8:9", "fe80::1::2", "-node", "a b", "", "node_2",
                "1.2.3.4.5"))
                .noneMatch(Addresses::isHostOrAddress);
    }

    @Test
    void suggestions() {
        List<String> timings = List.of("heartbeat-interval", "check-interval", "failover-timeout", "rise", "fall");
        assertThat(Suggest.closest("fall-count", timings)).contains("fall");
        assertThat(Suggest.closest("checkInterval", timings)).contains("check-interval");
        assertThat(Suggest.closest("heartbeat", timings)).contains("heartbeat-interval");
        assertThat(Suggest.closest("rize", timings)).contains("rise");
        assertThat(Suggest.closest("colour", timings)).isEmpty();
    }

    @Test
    void profilesByYamlName() {
        assertThat(Profile.of("ms-failover")).contains(Profile.MS_FAILOVER);
        assertThat(Profile.of("sbs")).contains(Profile.SBS);
        assertThat(Profile.of("redundancy")).contains(Profile.REDUNDANCY);
        assertThat(Profile.of("MS_FAILOVER")).isEmpty();
        assertThat(Profile.REDUNDANCY.yamlName()).isEqualTo("redundancy");
    }

    @Test
    void witnessResource() {
        assertThat(new Witness("10.0.0.254", 0).resource()).isEqualTo("ping.witness");
        assertThat(new Witness("10.0.0.254", 80).resource()).isEqualTo("tcp.witness");
    }

    @Test
    void profileDefaultsSatisfyTheirOwnTimingRules() {
        for (Profile p : Profile.values()) {
            ProfileDefaults d = ProfileDefaults.of(p);
            assertThat(d.checkInterval().multipliedBy(d.fall())).as(p.yamlName()).isLessThan(d.failoverTimeout());
            assertThat(d.heartbeatInterval().multipliedBy(2)).as(p.yamlName()).isLessThanOrEqualTo(d.failoverTimeout());
        }
    }
}
