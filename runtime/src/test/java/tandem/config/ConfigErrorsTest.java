package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tandem.config.ConfigLoaderTest.minimal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigErrorsTest {

    @Test
    void reportsEveryErrorOfTheFileWithLineAndPath() {
        String yaml = """
                node:
                  id: node1
                  profile: ms-failover
                  priority: 2000
                cluster:
                  name: cluster1
                  secret: 0123456789abcdef
                peer:
                  id: node2
                  address: 10.0.0.2
                  port: 70000
                timings:
                  fall-count: 3
                  check-interval: fast
                  rise: abc
                checkers:
                  - name: mgmt
                    type: http
                    target: x
                services:
                  - type: systemd
                    unit: x
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:4: node.priority: must be 0..1000, got 2000",
                "node1.yaml:11: peer.port: must be 1..65535, got 70000",
                "node1.yaml:13: timings.fall-count: unknown field; did you mean \"fall\"?",
                "node1.yaml:14: timings.check-interval: must be a duration such as 500ms, 30s, 5m, 2h or 1d, got \"fast\"",
                "node1.yaml:15: timings.rise: must be a number, got \"abc\"",
                "node1.yaml:18: checkers[0].type: must be one of proc, service, tcp, ping, interface, vip, custom;"
                        + " got \"http\"",
                "node1.yaml:21: services[0].name: missing required field");
    }

    @Test
    void exceptionMessageHasOneErrorPerLine() {
        String yaml = minimal("ms-failover") + """
                listen:
                  port: 0
                console:
                  port: 65536
                """;

        assertThatThrownBy(() -> ConfigLoader.parse("node1.yaml", yaml, java.nio.file.Path.of("."), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("node1.yaml:11: listen.port: must be 1..65535, got 0\n"
                        + "node1.yaml:13: console.port: must be 1..65535, got 65536");
    }

    @Test
    void unknownFieldsSuggestTheClosestName() {
        String yaml = minimal("ms-failover") + """
                timings:
                  heartbeatInterval: 1s
                  falls: 3
                  failover_timeout: 30s
                witness:
                  adress: 10.0.0.254
                colour: blue
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: timings.heartbeatInterval: unknown field; did you mean \"heartbeat-interval\"?",
                "node1.yaml:12: timings.falls: unknown field; did you mean \"fall\"?",
                "node1.yaml:13: timings.failover_timeout: unknown field; did you mean \"failover-timeout\"?",
                "node1.yaml:14: witness.address: missing required field",
                "node1.yaml:15: witness.adress: unknown field; did you mean \"address\"?",
                "node1.yaml:16: colour: unknown field; valid fields here are node, cluster, listen, peer, witness,"
                        + " timings, checkers, services, vip, replication, mail, console, extensions, fencing, rules,"
                        + " redundancy");
    }

    @Test
    void unknownFieldInListItem() {
        String yaml = minimal("ms-failover") + """
                services:
                  - name: app
                    type: command
                    start: run
                    stop: halt
                    start-timout: 5s
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:15: services[0].start-timout: unknown field; did you mean \"start-timeout\"?");
    }

    @Test
    void wrongTypes() {
        String yaml = """
                node:
                  id: [a, b]
                  profile: ms-failover
                  priority: 1.5
                  boot-start: maybe
                cluster: just-a-name
                peer:
                  id: node2
                  address: 10.0.0.2
                  port: "abc"
                checkers: proc
                services:
                  - web
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:2: node.id: must be a string, got a list",
                "node1.yaml:4: node.priority: must be a whole number, got 1.5",
                "node1.yaml:5: node.boot-start: must be true or false, got \"maybe\"",
                "node1.yaml:6: cluster: must be a mapping with the keys name, secret, license; got \"just-a-name\"",
                "node1.yaml:10: peer.port: must be a number, got \"abc\"",
                "node1.yaml:11: checkers: must be a list, got \"proc\"",
                "node1.yaml:13: services[0]: must be a mapping with the keys name, type, unit, start, stop, command,"
                        + " start-timeout, stop-timeout; got \"web\"");
    }

    @Test
    void quotedNumbersAndBooleansAreAccepted() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                listen:
                  port: "7000"
                console:
                  enabled: "false"
                """, java.nio.file.Path.of("."), Map.of());

        assertThat(c.listen().port()).isEqualTo(7000);
        assertThat(c.console().enabled()).isFalse();
    }

    @Test
    void numbersAreAcceptedWhereTextIsExpectedAsWritten() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", """
                node: {id: 007, profile: sbs}
                cluster: {name: 42, secret: 1234567890123456}
                peer: {id: 2, address: 10.0.0.2}
                """, java.nio.file.Path.of("."), Map.of());

        assertThat(c.node().id()).isEqualTo("007");
        assertThat(c.cluster().name()).isEqualTo("42");
        assertThat(c.cluster().secret().reveal()).isEqualTo("1234567890123456");
    }

    @Test
    void yaml11BooleansStayTextWhereTextIsExpected() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                console:
                  enabled: no
                  user: on
                """, java.nio.file.Path.of("."), Map.of());

        assertThat(c.console().enabled()).isFalse();
        assertThat(c.console().user()).isEqualTo("on");
    }

    @Test
    void brokenYamlSyntaxReportsTheLine() {
        String yaml = """
                node:
                  id: node1
                  profile: ms-failover
                cluster:
                  name: "cluster1
                peer:
                  id: node2
                """;

        List<String> errors = Errors.of(yaml);

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("node1.yaml:8: YAML syntax error: ").contains("quoted scalar");
    }

    @Test
    void badIndentationReportsTheLine() {
        String yaml = """
                node:
                  id: node1
                   profile: ms-failover
                """;

        assertThat(Errors.of(yaml)).singleElement().asString()
                .startsWith("node1.yaml:3: YAML syntax error: ")
                .doesNotContain("\n");
    }

    @Test
    void duplicateKeysAreReported() {
        String yaml = minimal("ms-failover") + """
                console:
                  port: 9011
                  port: 9012
                """;

        assertThat(Errors.of(yaml)).containsExactly("node1.yaml:12: console.port: duplicate key (first at line 11)");
    }

    @Test
    void emptyAndNonMappingFiles() {
        assertThat(Errors.of("")).containsExactly("node1.yaml:1: the file is empty");
        assertThat(Errors.of("# only a comment\n")).containsExactly("node1.yaml:1: the file is empty");
        assertThat(Errors.of("- node\n- peer\n")).containsExactly(
                "node1.yaml:1: the file must be a mapping with the sections node, cluster, peer, ...; got a list");
        assertThat(Errors.of(minimal("sbs") + "---\nnode: {}\n")).containsExactly(
                "node1.yaml:11: only one YAML document is allowed, but a second one starts here");
    }

    @Test
    void aliasesAreRefused() {
        String yaml = minimal("ms-failover") + """
                listen:
                  address: &a 10.0.0.1
                console:
                  address: *a
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:13: console.address: YAML aliases (*a) are not supported; write the value out");
    }

    @Test
    void missingRequiredFieldsUseTheLineOfTheirMapping() {
        String yaml = """
                # site A
                node:
                  profile: sbs
                cluster:
                  secret: 0123456789abcdef
                checkers:
                  - type: proc
                services:
                  - name: a
                    type: systemd
                  - name: b
                    type: command
                  - name: c
                    type: process
                    command:
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:2: node.id: missing required field",
                "node1.yaml:2: peer: missing required field",
                "node1.yaml:4: cluster.name: missing required field",
                "node1.yaml:7: checkers[0].name: missing required field",
                "node1.yaml:7: checkers[0].target: missing required field",
                "node1.yaml:9: services[0].unit: missing required field for type systemd",
                "node1.yaml:11: services[1].start: missing required field for type command",
                "node1.yaml:11: services[1].stop: missing required field for type command",
                "node1.yaml:15: services[2].command: must not be empty for type process");
    }

    @Test
    void missingSectionIsReportedOnceNotPerField() {
        String yaml = """
                node: {id: node1, profile: sbs}
                cluster:
                peer: {id: node2, address: 10.0.0.2}
                """;

        assertThat(Errors.of(yaml)).containsExactly("node1.yaml:2: cluster: must not be empty");
    }

    @Test
    void fieldsOfOtherServiceTypesAreRefused() {
        String yaml = minimal("ms-failover") + """
                services:
                  - name: a
                    type: systemd
                    unit: a.service
                    start: /bin/a
                  - name: b
                    type: process
                    command: /bin/b
                    unit: b
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:14: services[0].start: only used with type command",
                "node1.yaml:18: services[1].unit: only used with type systemd or windows");
    }

    @Test
    void badEnumValuesListTheAllowedOnes() {
        String yaml = """
                node: {id: node1, profile: failover}
                cluster: {name: c, secret: 0123456789abcdef}
                peer: {id: node2, address: 10.0.0.2}
                checkers:
                  - {name: a, type: proc, target: x, when: standby}
                services:
                  - {name: s, type: upstart, unit: s}
                replication: {mode: rsync}
                mail: {host: mail, from: a@b, to: c@d, security: tls}
                console: {protocol: ftp}
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:1: node.profile: must be one of ms-failover, sbs, redundancy; got \"failover\"",
                "node1.yaml:5: checkers[0].when: must be one of active, always; got \"standby\"",
                "node1.yaml:7: services[0].type: must be one of systemd, windows, command, process; got \"upstart\"",
                "node1.yaml:8: replication.mode: must be one of continuous, periodic; got \"rsync\"",
                "node1.yaml:9: mail.security: must be one of none, ssl, starttls; got \"tls\"",
                "node1.yaml:10: console.protocol: must be one of http, https; got \"ftp\"");
    }

    @Test
    void badDurations() {
        String yaml = minimal("ms-failover") + """
                timings:
                  heartbeat-interval: 30
                  check-interval: 0s
                  failover-timeout: 1 minute
                replication:
                  interval: -5s
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: timings.heartbeat-interval: must be a duration such as 500ms, 30s, 5m, 2h or 1d"
                        + " (with a unit), got 30",
                "node1.yaml:12: timings.check-interval: must be greater than 0, got \"0s\"",
                "node1.yaml:13: timings.failover-timeout: must be a duration such as 500ms, 30s, 5m, 2h or 1d,"
                        + " got \"1 minute\"",
                "node1.yaml:15: replication.interval: must be a duration such as 500ms, 30s, 5m, 2h or 1d,"
                        + " got \"-5s\"");
    }

    @Test
    void schedulesIsRefusedAsASettingNoLongerRead() {
        String yaml = minimal("redundancy") + """
                schedules:
                  - {name: nightly, action: backup, every: 1d}
                """ + RedundancyConfigTest.STANDBY_SECTION;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:10: schedules: is not a setting (any more): no node ever ran these entries; remove the"
                        + " section");
    }

    @Test
    void theSbsProfileHasNoWitness() {
        String yaml = """
                node: {id: node1, profile: sbs}
                cluster: {name: c, secret: 0123456789abcdef}
                peer: {id: node2, address: 10.0.0.2}
                witness: {address: 10.0.0.200}
                """;

        assertThat(Errors.of(yaml)).singleElement().satisfies(e -> assertThat(e)
                .startsWith("node1.yaml:4: witness.address: the sbs profile has no witness: its primary, cut off")
                .contains("SBS-11", "Remove the witness section"));
    }

    @Test
    void badIdsAddressesAndTargets() {
        String yaml = """
                node: {id: "-node 1", profile: sbs}
                cluster: {name: c, secret: 0123456789abcdef}
                listen: {address: 10.0.0.256}
                peer:
                  id: node2
                  address: "host name"
                  second-link: {port: 7000}
                witness: {address: "fe80::1::2", port: 70000}
                checkers:
                  - {name: db, type: tcp, target: db}
                  - {name: gw, type: ping, target: "not valid"}
                vip: {address: 192.168.178.249/33, interface: eth0}
                mail: {host: smtp, from: tandem, to: []}
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:1: node.id: must be 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or"
                        + " digit, got \"-node 1\"",
                "node1.yaml:3: listen.address: must be an IPv4 or IPv6 address or a host name, got \"10.0.0.256\"",
                "node1.yaml:6: peer.address: must be an IPv4 or IPv6 address or a host name, got \"host name\"",
                "node1.yaml:7: peer.second-link.address: missing required field",
                "node1.yaml:8: witness.address: must be an IPv4 or IPv6 address or a host name, got \"fe80::1::2\"",
                "node1.yaml:8: witness.port: must be 0..65535, got 70000",
                "node1.yaml:10: checkers[0].target: must be host:port with a port 1..65535 for a tcp checker"
                        + " ([addr]:port for IPv6), got \"db\"",
                "node1.yaml:11: checkers[1].target: must be an IPv4 or IPv6 address or a host name for a ping"
                        + " checker, got \"not valid\"",
                "node1.yaml:12: vip.address: prefix length must be 1..32, got \"33\"",
                "node1.yaml:13: mail.from: must be a mail address like ops@example.org, got \"tandem\"",
                "node1.yaml:13: mail.to: must list at least one address");
    }

    @Test
    void anAllowedRootIsNeitherAFileSystemRootNorInsideTheStateDir() {
        String yaml = minimal("ms-failover").replace("  profile: ms-failover\n",
                "  profile: ms-failover\n  state-dir: /srv/tandem\n");

        assertThat(Errors.of(yaml + """
                replication:
                  allowed-roots:
                    - /srv
                    - /
                """)).containsExactly("node1.yaml:14: replication.allowed-roots[1]: must not be a file-system root (it"
                        + " would let the active node write anywhere), got \"/\"");
        assertThat(Errors.of(yaml + """
                replication:
                  allowed-roots: [/srv, /srv/tandem/copies]
                """)).containsExactly("node1.yaml:12: replication.allowed-roots[1]: lies inside node.state-dir"
                        + " (/srv/tandem); the standby never writes there");
        assertThat(Errors.of(yaml + """
                replication:
                  allowed-roots: {path: /srv}
                """)).containsExactly("node1.yaml:12: replication.allowed-roots: must be a list, got a mapping");
    }

    @Test
    void listItemErrorsCarryTheirIndex() {
        String yaml = minimal("ms-failover") + """
                mail:
                  host: smtp.example.org
                  from: tandem@example.org
                  to:
                    - ops@example.org
                    - nobody
                replication:
                  folders:
                    - path: a
                      include: ["[a-"]
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:15: mail.to[1]: must be a mail address like ops@example.org, got \"nobody\"",
                "node1.yaml:19: replication.folders[0].include[0]: must be a valid glob, got \"[a-\": Missing ']");
    }

    @Test
    void mailToAcceptsASingleAddress() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("sbs") + """
                mail: {host: 10.0.0.25, from: tandem@example.org, to: ops@example.org}
                """, java.nio.file.Path.of("."), Map.of());

        assertThat(c.mail().orElseThrow().to()).containsExactly("ops@example.org");
        assertThat(c.mail().orElseThrow().port()).isEqualTo(25);
        assertThat(c.mail().orElseThrow().security()).isEqualTo(MailSecurity.NONE);
    }

    @Test
    void vipProbeWaitIsADurationOfTenMillisecondsToFiveSeconds() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                vip: {address: 192.168.178.249/24, interface: eth0, probe-wait: 25ms}
                """, java.nio.file.Path.of("."), Map.of());
        assertThat(c.vip().orElseThrow().probeWait()).isEqualTo(java.time.Duration.ofMillis(25));
        assertThat(ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                vip: {address: 192.168.178.249/24, interface: eth0}
                """, java.nio.file.Path.of("."), Map.of()).vip().orElseThrow().probeWait())
                .isEqualTo(ProfileDefaults.VIP_PROBE_WAIT);

        assertThat(Errors.of(minimal("ms-failover") + """
                vip:
                  address: 192.168.178.249/24
                  interface: eth0
                  probe-wait: 5ms
                """)).containsExactly("node1.yaml:13: vip.probe-wait: must be 10ms to 5s (the duplicate address"
                + " probe's wait for an answer), got \"5ms\"");
        assertThat(Errors.of(minimal("ms-failover") + """
                vip:
                  address: 192.168.178.249/24
                  interface: eth0
                  probe-wait: 6s
                """)).containsExactly("node1.yaml:13: vip.probe-wait: must be 10ms to 5s (the duplicate address"
                + " probe's wait for an answer), got \"6s\"");
        assertThat(Errors.of(minimal("ms-failover") + """
                vip:
                  address: 192.168.178.249/24
                  interface: eth0
                  probe-wait: 25
                """)).containsExactly("node1.yaml:13: vip.probe-wait: must be a duration such as 500ms, 30s, 5m, 2h or"
                + " 1d (with a unit), got 25");
    }

    @Test
    void maxClockSkewIsADurationOfTenMillisecondsToAnHour() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                timings: {max-clock-skew: 2s}
                """, java.nio.file.Path.of("."), Map.of());
        assertThat(c.timings().maxClockSkew()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(ConfigLoader.parse("node1.yaml", minimal("sbs"), java.nio.file.Path.of("."), Map.of())
                .timings().maxClockSkew()).as("MS-12's 5 s").isEqualTo(ProfileDefaults.MAX_CLOCK_SKEW);

        assertThat(Errors.of(minimal("ms-failover") + """
                timings:
                  max-clock-skew: 2h
                """)).containsExactly("node1.yaml:11: timings.max-clock-skew: must be 10ms..1h, got \"2h\"");
        assertThat(Errors.of(minimal("ms-failover") + """
                timings:
                  max-clock-skew: 5
                """)).containsExactly("node1.yaml:11: timings.max-clock-skew: must be a duration such as 500ms, 30s,"
                + " 5m, 2h or 1d (with a unit), got 5");
    }

    @Test
    void theLoopGuardTakesACountAndADuration() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                rules:
                  loop-guard: {actions: 50, within: 2m}
                """, java.nio.file.Path.of("."), Map.of());
        assertThat(c.rules().loopGuard()).isEqualTo(new Rules.LoopGuard(50, java.time.Duration.ofMinutes(2)));
        assertThat(ConfigLoader.parse("node1.yaml", minimal("ms-failover"), java.nio.file.Path.of("."), Map.of())
                .rules()).isEqualTo(Rules.defaults());
        assertThat(Rules.defaults().loopGuard()).isEqualTo(new Rules.LoopGuard(20, java.time.Duration.ofSeconds(60)));

        assertThat(Errors.of(minimal("ms-failover") + """
                rules:
                  loop-guard:
                    actions: 0
                    within: 500ms
                    action: 3
                """)).containsExactly(
                "node1.yaml:12: rules.loop-guard.actions: must be 1..100000, got 0",
                "node1.yaml:13: rules.loop-guard.within: must be 1s..1d, got \"500ms\"",
                "node1.yaml:14: rules.loop-guard.action: unknown field; did you mean \"actions\"?");
        assertThat(Errors.of(minimal("ms-failover") + """
                rules:
                  loop-guard: 20
                """)).containsExactly("node1.yaml:11: rules.loop-guard: must be a mapping with the keys actions, within;"
                + " got 20");
    }

    @Test
    void configErrorFormatsWithAndWithoutLine() {
        assertThat(new ConfigError("node1.yaml", 12, "peer.port", "must be 1..65535, got 70000"))
                .hasToString("node1.yaml:12: peer.port: must be 1..65535, got 70000");
        assertThat(new ConfigError("node1.yaml", 0, "peer.port", "x")).hasToString("node1.yaml: peer.port: x");
        assertThat(new ConfigError("node1.yaml", -1, "", "unreadable")).hasToString("node1.yaml: unreadable");
    }

    @Test
    void aControlCharacterIsReportedAtItsLine() {
        String yaml = minimal("ms-failover") + "listen:\n  address: \"127.0.0.\u00011\"\n";

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: the character U+0001 in column 21 is not allowed in YAML (only tabs, line ends and"
                        + " printable characters are)");
    }

    @Test
    void nestingTooDeepIsReportedAtTheLineWhereItGoesTooDeep() {
        String yaml = minimal("ms-failover") + "checkers:\n" + "  - ".repeat(1) + "[".repeat(70) + "]".repeat(70) + "\n";

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: YAML nested more than 64 levels deep; a node file needs a few levels");
    }

    @Test
    void nestingBeyondTheParsersOwnLimitIsReportedTheSameWay() {
        String yaml = minimal("ms-failover") + "checkers:\n  - " + "{a: ".repeat(1500) + "1" + "}".repeat(1500) + "\n";

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: YAML nested more than 64 levels deep; a node file needs a few levels");
    }

    @Test
    void apiLimitsAreChecked() {
        String yaml = minimal("ms-failover") + """
                console:
                  read-timeout: 50ms
                  idle-timeout: 2h
                  max-connections: 0
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: console.read-timeout: must be 100ms..10m, got \"50ms\"",
                "node1.yaml:12: console.idle-timeout: must be 1s..1h, got \"2h\"",
                "node1.yaml:13: console.max-connections: must be 1..1000, got 0");
    }

    @Test
    void disableRulesMustBeAListOfRuleNamesEachOnce() {
        String yaml = minimal("ms-failover") + """
                extensions:
                  disable-rules:
                    - "Primary gives up when a critical resource stays down"
                    - "Isolated primary steps down"
                    - "Primary gives up when a critical resource stays down"
                """;
        String notAList = minimal("ms-failover") + """
                extensions:
                  disable-rules: {name: "Isolated primary steps down"}
                """;
        String blank = minimal("ms-failover") + """
                extensions:
                  disable-rules: ["Isolated primary steps down", " "]
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:14: extensions.disable-rules[2]: rule \"Primary gives up when a critical resource stays down\""
                        + " is listed twice; extensions.disable-rules[0] (line 12) already has it");
        assertThat(Errors.of(notAList)).containsExactly("node1.yaml:11: extensions.disable-rules: must be a list, got a mapping");
        assertThat(Errors.of(blank)).containsExactly("node1.yaml:11: extensions.disable-rules[1]: must not be empty");
    }

    @Test
    void disableRulesKeepsWhereEachNameWasWritten() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                extensions:
                  disable-rules: ["Isolated primary steps down", "Active node gives up when its services fail"]
                """, Path.of("."), Map.of());

        assertThat(c.extensions().disableRules()).containsExactly(
                new Extensions.DisabledRule("Isolated primary steps down", "node1.yaml", 11, "extensions.disable-rules[0]"),
                new Extensions.DisabledRule("Active node gives up when its services fail", "node1.yaml", 11,
                        "extensions.disable-rules[1]"));
        assertThat(c.extensions().disableRules().get(0).error("no shipped rule is named \"x\"").toString())
                .isEqualTo("node1.yaml:11: extensions.disable-rules[0]: no shipped rule is named \"x\"");
    }
}
