package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML {@code redundancy:} (RED-1..RED-12): required for the redundancy profile, keys by role. */
class RedundancyConfigTest {
    /** Lines 10..13 after {@link ConfigLoaderTest#minimal}: a mail server for the mails of the section. */
    private static final String MAIL = """
            mail:
              host: 127.0.0.1
              from: pair@example.com
              to: ops@example.com
            """;

    /** A standby's required keys, for tests about other sections of a redundancy node. */
    static final String STANDBY_SECTION = """
            redundancy:
              role: standby
              license-key: DDDDD-FFFFF-TTTTT-22222
              active-license-key: XXXXX-YYYYY-ZZZZZ-11111
              version: "8.4.2"
              import: {command: "/opt/appliance/bin/import {file}", folder: /var/lib/tandem/incoming}
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void keyFile() throws IOException {
        SshKeys.ed25519(dir.resolve("id_ed25519"));
    }

    private NodeConfig parse(String yaml) {
        return ConfigLoader.parse("node1.yaml", yaml, dir, Map.of("STANDBY_PASSWORD", "s3cret"));
    }

    private List<String> errors(String yaml) {
        return Errors.of(yaml, dir, Map.of());
    }

    private static String redundancyNode(String section) {
        return ConfigLoaderTest.minimal("redundancy") + MAIL + section;
    }

    @Test
    void anActiveKeepsEveryValue() {
        Redundancy r = parse(redundancyNode("""
                redundancy:
                  role: active
                  license-key: " ABCDE-12345-FGHIJ-67890 "
                  version: 8.4
                  backup:
                    command: /opt/appliance/bin/backup --out {file}
                    folder: backups
                    keep: 5
                    window: {start: "01:00", duration: 45m}
                  schedule:
                    unit: hours
                    every: 24
                    start-date: 24.12.2026
                    start-time: 12:30
                    time-zone: Europe/Berlin
                  transfer:
                    attempts: 10
                    retry-wait: 2s
                    mails: true
                    error-to: ops@example.com
                  standby:
                    address: 192.0.2.11
                    ssh-port: 2222
                    user: tandem
                    key: id_ed25519
                    known-hosts: ssh/known_hosts
                    folder: /var/lib/tandem/incoming
                    import-command: tandem import --file {file}
                """)).redundancy().orElseThrow();

        assertThat(r.role()).isEqualTo(RedundancyRole.ACTIVE);
        assertThat(r.active()).isTrue();
        assertThat(r.licenseKey()).isEqualTo(LicenseKey.parse("ABCDE-12345-FGHIJ-67890"));
        assertThat(r.activeLicenseKey()).isEmpty();
        assertThat(r.version()).as("a version is text as written, not the number YAML reads").isEqualTo("8.4");
        assertThat(r.backup()).contains(new Redundancy.Backup("/opt/appliance/bin/backup --out {file}",
                dir.resolve("backups"), 5, Optional.of(new Redundancy.Window(LocalTime.of(1, 0), Duration.ofMinutes(45)))));
        assertThat(r.schedule()).as("12:30 unquoted is YAML 1.1's sexagesimal number; read as written")
                .contains(new Redundancy.Timer(ScheduleUnit.HOURS, 24, LocalDate.of(2026, 12, 24), LocalTime.of(12, 30),
                        ZoneId.of("Europe/Berlin")));
        assertThat(r.transfer()).contains(new Redundancy.Transfer(10, Duration.ofSeconds(2), true,
                Optional.of("ops@example.com")));
        assertThat(r.standby()).contains(new Redundancy.StandbyAccess("192.0.2.11", 2222, "tandem", Optional.empty(),
                Optional.of(dir.resolve("id_ed25519")), dir.resolve("ssh/known_hosts"), "/var/lib/tandem/incoming",
                "tandem import --file {file}"));
        assertThat(r.standbyImport()).isEmpty();
        assertThat(r.switchover()).isEmpty();
    }

    @Test
    void anActiveGetsTheDefaults() {
        NodeConfig c = parse(ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  version: 8.4.2
                  backup: {command: "backup {file}", folder: /var/lib/tandem/backups}
                  schedule: {unit: days, every: 1, start-date: 01.01.2027, start-time: "02:30"}
                  standby:
                    address: 192.0.2.11
                    password: ${env:STANDBY_PASSWORD}
                    folder: /var/lib/tandem/incoming
                    import-command: tandem import --file {file}
                """);
        Redundancy r = c.redundancy().orElseThrow();

        assertThat(r.backup().orElseThrow().keep()).isEqualTo(RedundancyDefaults.KEEP).isEqualTo(3);
        assertThat(r.backup().orElseThrow().window()).isEmpty();
        assertThat(r.schedule().orElseThrow().timeZone()).isEqualTo(ZoneId.systemDefault());
        assertThat(r.transfer()).as("RED-4: a fixed 5-minute wait")
                .contains(new Redundancy.Transfer(3, Duration.ofMinutes(5), false, Optional.empty()));
        Redundancy.StandbyAccess standby = r.standby().orElseThrow();
        assertThat(standby.sshPort()).isEqualTo(22);
        assertThat(standby.user()).as("RED-6: the user is root unless changed").isEqualTo("root");
        assertThat(standby.password().orElseThrow().reveal()).isEqualTo("s3cret");
        assertThat(standby.password().orElseThrow().source()).isEqualTo("env:STANDBY_PASSWORD");
        assertThat(standby.key()).isEmpty();
        assertThat(standby.knownHosts()).isEqualTo(c.node().stateDir().resolve("known_hosts"));
    }

    @Test
    void aStandbyKeepsEveryValue() {
        Redundancy r = parse(redundancyNode("""
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  import:
                    command: /opt/appliance/bin/import {file}
                    folder: incoming
                  switchover:
                    down-for: 2m
                    active-address: 192.0.2.10
                    active-ssh-port: 2221
                    checklist: ["Move the ISDN lines from the active to the standby", "Move the analog devices"]
                    users: [alice@example.com, bob@example.com]
                """)).redundancy().orElseThrow();

        assertThat(r.role()).isEqualTo(RedundancyRole.STANDBY);
        assertThat(r.active()).isFalse();
        assertThat(r.licenseKey()).hasToString("DDDDD-FFFFF-TTTTT-22222");
        assertThat(r.activeLicenseKey()).contains(LicenseKey.parse("XXXXX-YYYYY-ZZZZZ-11111"));
        assertThat(r.version()).isEqualTo("8.4.2");
        assertThat(r.standbyImport()).contains(new Redundancy.Import("/opt/appliance/bin/import {file}",
                dir.resolve("incoming")));
        assertThat(r.switchover()).contains(new Redundancy.Switchover(Duration.ofMinutes(2), "192.0.2.10", 2221,
                List.of("Move the ISDN lines from the active to the standby", "Move the analog devices"),
                List.of("alice@example.com", "bob@example.com"), Optional.empty()));
        assertThat(r.backup()).isEmpty();
        assertThat(r.schedule()).isEmpty();
        assertThat(r.transfer()).isEmpty();
        assertThat(r.standby()).isEmpty();
    }

    @Test
    void aStandbyGetsTheDefaultsAndTakesOverThePeersAddress() {
        Redundancy r = parse(ConfigLoaderTest.minimal("redundancy") + STANDBY_SECTION).redundancy().orElseThrow();

        assertThat(r.switchover()).as("RED-9: the active's address is peer.address; nobody to mail without a list")
                .contains(new Redundancy.Switchover(Duration.ofSeconds(60), "10.0.0.2", 22, List.of(), List.of(),
                        Optional.empty()));
    }

    @Test
    void theUsersFileHasOneAddressALineAndComments() throws IOException {
        Files.writeString(dir.resolve("users.txt"), """
                # RED-10: mailed after a switchover
                alice@example.com

                bob@example.com   # the night shift
                """);

        Redundancy r = parse(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    users-file: users.txt
                """)).redundancy().orElseThrow();

        assertThat(r.switchover().orElseThrow().users()).containsExactly("alice@example.com", "bob@example.com");
        assertThat(r.switchover().orElseThrow().usersFile()).contains(dir.resolve("users.txt"));
    }

    @Test
    void theSamplePairIsAccepted() {
        Path samples = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize()
                .resolve("samples/redundancy");

        NodeConfig active = ConfigLoader.load(samples.resolve("active.yaml"));
        NodeConfig standby = ConfigLoader.load(samples.resolve("standby.yaml"));

        Redundancy a = active.redundancy().orElseThrow();
        Redundancy s = standby.redundancy().orElseThrow();
        assertThat(a.role()).isEqualTo(RedundancyRole.ACTIVE);
        assertThat(s.role()).isEqualTo(RedundancyRole.STANDBY);
        assertThat(s.activeLicenseKey()).as("RED-3: the standby knows the active's key").contains(a.licenseKey());
        assertThat(s.version()).as("RED-2: both run the same version").isEqualTo(a.version());
        assertThat(a.standby().orElseThrow().folder()).as("uploads land where the standby imports from")
                .isEqualTo(s.standbyImport().orElseThrow().folder().toString());
        assertThat(active.peer().port()).isEqualTo(standby.listen().port());
        assertThat(standby.peer().port()).isEqualTo(active.listen().port());
        assertThat(s.switchover().orElseThrow().users()).containsExactly("alice@example.com", "bob@example.com");
        assertThat(s.switchover().orElseThrow().checklist()).hasSize(2);
    }

    @Test
    void theRedundancyProfileNeedsTheSectionAndTheOthersRefuseIt() {
        assertThat(errors(ConfigLoaderTest.minimal("redundancy"))).containsExactly(
                "node1.yaml:1: redundancy: missing required field for node.profile redundancy");
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + "redundancy:\n")).containsExactly(
                "node1.yaml:10: redundancy: must not be empty for node.profile redundancy");
        assertThat(errors(ConfigLoaderTest.minimal("sbs") + STANDBY_SECTION)).containsExactly(
                "node1.yaml:10: redundancy: is a section of the redundancy profile (RED-1..RED-12); node.profile is sbs");
        assertThat(ConfigLoader.parse("node1.yaml", ConfigLoaderTest.minimal("sbs"), dir, Map.of()).redundancy())
                .isEmpty();
    }

    @Test
    void missingRequiredKeysAreNamedWithTheRoleThatNeedsThem() {
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  license-key: ABCDE-12345-FGHIJ-67890
                """)).containsExactly(
                "node1.yaml:10: redundancy.role: missing required field",
                "node1.yaml:10: redundancy.version: missing required field");
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  version: 8.4.2
                  backup: {}
                  schedule: {unit: days}
                """)).containsExactly(
                "node1.yaml:10: redundancy.standby: missing required field for role active",
                "node1.yaml:14: redundancy.backup.command: missing required field",
                "node1.yaml:14: redundancy.backup.folder: missing required field",
                "node1.yaml:15: redundancy.schedule.every: missing required field",
                "node1.yaml:15: redundancy.schedule.start-date: missing required field",
                "node1.yaml:15: redundancy.schedule.start-time: missing required field");
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  version: 8.4.2
                """)).containsExactly(
                "node1.yaml:10: redundancy.active-license-key: missing required field for role standby",
                "node1.yaml:10: redundancy.import: missing required field for role standby");
    }

    @Test
    void aKeyOfTheOtherRoleSaysWhichRoleUsesIt() {
        assertThat(errors(redundancyNode(STANDBY_SECTION + """
                  backup: {command: "b {file}", folder: /b}
                  schedule: {unit: days}
                  transfer: {attempts: 2}
                  standby: {address: 192.0.2.11}
                """))).containsExactly(
                "node1.yaml:20: redundancy.backup: is a setting of role active only; redundancy.role is standby",
                "node1.yaml:21: redundancy.schedule: is a setting of role active only; redundancy.role is standby",
                "node1.yaml:22: redundancy.transfer: is a setting of role active only; redundancy.role is standby",
                "node1.yaml:23: redundancy.standby: is a setting of role active only; redundancy.role is standby");
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: 8.4.2
                  backup: {command: "backup {file}", folder: /var/lib/tandem/backups}
                  schedule: {unit: days, every: 1, start-date: 01.01.2027, start-time: "02:30"}
                  standby: {address: 192.0.2.11, password: pw, folder: /in, import-command: "i {file}"}
                  import: {command: "i {file}", folder: /in}
                  switchover:
                """)).containsExactly(
                "node1.yaml:13: redundancy.active-license-key: is a setting of role standby only; redundancy.role is"
                        + " active",
                "node1.yaml:18: redundancy.import: is a setting of role standby only; redundancy.role is active",
                "node1.yaml:19: redundancy.switchover: is a setting of role standby only; redundancy.role is active");
    }

    @Test
    void everyBadValueNamesItsLine() {
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: passive
                  license-key: ABCDE-1234-FGHIJ-67890
                  version: 8.4 beta
                  backup:
                    command: /opt/appliance/bin/backup
                    folder: /var/lib/tandem/backups
                    keep: 0
                    window: {start: "1:00", duration: 24h}
                  schedule:
                    unit: months
                    every: 0
                    start-date: 31.02.2027
                    start-time: "24:00"
                    time-zone: Europe/Bonn
                  transfer:
                    attempts: 11
                    retry-wait: 0s
                    mails: yes please
                    error-to: [a@example.com, b@example.com]
                  standby:
                    address: standby.example.com
                    ssh-port: 0
                    user: " "
                    password: ${env:NOPE}
                    folder: incoming
                    import-command: tandem import
                  retries: 3
                """)).containsExactly(
                "node1.yaml:11: redundancy.role: must be one of active, standby; got \"passive\"",
                "node1.yaml:12: redundancy.license-key: must be a license key XXXXX-XXXXX-XXXXX-XXXXX (four groups of"
                        + " five letters A-Z or digits): group 2 has 4 characters, needs 5, got \"ABCDE-1234-FGHIJ-67890\"",
                "node1.yaml:13: redundancy.version: must be a version without spaces, such as 8.4.2, got \"8.4 beta\"",
                "node1.yaml:15: redundancy.backup.command: must contain {file}, the placeholder for the backup"
                        + " archive's path, got \"/opt/appliance/bin/backup\"",
                "node1.yaml:17: redundancy.backup.keep: must be 1..100, got 0",
                "node1.yaml:18: redundancy.backup.window.start: must be a time hh:mm (24 h), e.g. \"02:30\", got \"1:00\"",
                "node1.yaml:18: redundancy.backup.window.duration: must be 1m..23h, got \"24h\"",
                "node1.yaml:20: redundancy.schedule.unit: must be one of minutes, hours, days, weeks; got \"months\"",
                "node1.yaml:21: redundancy.schedule.every: must be 1..1000, got 0",
                "node1.yaml:22: redundancy.schedule.start-date: is not a date of the calendar: \"31.02.2027\""
                        + " (dd.mm.yyyy)",
                "node1.yaml:23: redundancy.schedule.start-time: must be a time hh:mm (24 h), e.g. \"02:30\","
                        + " got \"24:00\"",
                "node1.yaml:24: redundancy.schedule.time-zone: must be a time zone such as Europe/Berlin or UTC, got"
                        + " \"Europe/Bonn\"",
                "node1.yaml:26: redundancy.transfer.attempts: must be 1..10, got 11",
                "node1.yaml:27: redundancy.transfer.retry-wait: must be greater than 0, got \"0s\"",
                "node1.yaml:28: redundancy.transfer.mails: must be true or false, got \"yes please\"",
                "node1.yaml:29: redundancy.transfer.error-to: is one mail address (the error reports go to one"
                        + " address, RED-4), got a list",
                "node1.yaml:31: redundancy.standby.address: must be an IPv4 address such as 192.0.2.11 (not a host"
                        + " name: each node has its own static IPv4, RED-2), got \"standby.example.com\"",
                "node1.yaml:32: redundancy.standby.ssh-port: must be 1..65535, got 0",
                "node1.yaml:33: redundancy.standby.user: must not be empty",
                "node1.yaml:34: redundancy.standby.password: environment variable NOPE is not set (referenced as"
                        + " ${env:NOPE})",
                "node1.yaml:35: redundancy.standby.folder: must be an absolute path on the standby (starting with /),"
                        + " got \"incoming\"",
                "node1.yaml:36: redundancy.standby.import-command: must contain {file}, the placeholder for the backup"
                        + " archive's path, got \"tandem import\"",
                "node1.yaml:37: redundancy.retries: unknown field; valid fields here are role, license-key,"
                        + " active-license-key, version, backup, schedule, transfer, standby, import, switchover, rollback");
    }

    @Test
    void moreBadValuesOfEachSection() {
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-2222x
                  active-license-key: DDDDD-FFFFF-TTTTT-22222
                  version: "8.4.2"
                  import: {command: "import", folder: " ", comand: x}
                  switchover:
                    down-for: 2s
                    active-address: 192.0.2.300
                    active-ssh-port: 65536
                    checklist: ["Move the ISDN lines", ""]
                    users: [alice, bob@example.com]
                  schedule:
                    start-date: 2027-01-01
                """)).containsExactly(
                "node1.yaml:12: redundancy.license-key: must be a license key XXXXX-XXXXX-XXXXX-XXXXX (four groups"
                        + " of five letters A-Z or digits): group 4 has the lower-case letter 'x' (license keys are"
                        + " written in upper case), got \"DDDDD-FFFFF-TTTTT-2222x\"",
                "node1.yaml:15: redundancy.import.comand: unknown field; did you mean \"command\"?",
                "node1.yaml:15: redundancy.import.command: must contain {file}, the placeholder for the backup"
                        + " archive's path, got \"import\"",
                "node1.yaml:15: redundancy.import.folder: must not be empty",
                "node1.yaml:17: redundancy.switchover.down-for: must be 5s..1h, got \"2s\"",
                "node1.yaml:18: redundancy.switchover.active-address: must be an IPv4 address such as 192.0.2.11 (not"
                        + " a host name: each node has its own static IPv4, RED-2), got \"192.0.2.300\"",
                "node1.yaml:19: redundancy.switchover.active-ssh-port: must be 1..65535, got 65536",
                "node1.yaml:20: redundancy.switchover.checklist[1]: must not be empty",
                "node1.yaml:21: redundancy.switchover.users[0]: must be a mail address like ops@example.org, got"
                        + " \"alice\"",
                "node1.yaml:22: redundancy.schedule: is a setting of role active only; redundancy.role is standby");
    }

    @Test
    void theStandbysOwnKeyDiffersFromTheActivesKey() {
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + STANDBY_SECTION.replace(
                "DDDDD-FFFFF-TTTTT-22222", "XXXXX-YYYYY-ZZZZZ-11111"))).containsExactly(
                "node1.yaml:13: redundancy.active-license-key: must differ from license-key: the standby has its own"
                        + " license set, its server license is not the active's (RED-3)");
    }

    @Test
    void errorMailsNeedTheAddressAndTheMailSection() {
        String active = """
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  version: 8.4.2
                  backup: {command: "backup {file}", folder: /var/lib/tandem/backups}
                  schedule: {unit: days, every: 1, start-date: 01.01.2027, start-time: "02:30"}
                  standby: {address: 192.0.2.11, password: pw, folder: /in, import-command: "i {file}"}
                  transfer:
                    mails: true
                """;
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + active)).containsExactly(
                "node1.yaml:18: redundancy.transfer.mails: true needs error-to, the one address error reports go to"
                        + " (RED-4)",
                "node1.yaml:18: redundancy.transfer.mails: true needs the node's mail: section, the mail server the"
                        + " error reports go through");
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + MAIL + active + "    error-to: ops\n"))
                .containsExactly("node1.yaml:23: redundancy.transfer.error-to: must be a mail address like"
                        + " ops@example.org, got \"ops\"");
        assertThat(parse(ConfigLoaderTest.minimal("redundancy") + active.replace("mails: true", "mails: false"))
                .redundancy().orElseThrow().transfer().orElseThrow().mails()).isFalse();
    }

    @Test
    void theStandbysLoginIsAPasswordOrAKeyOfAUsableKind() throws IOException {
        String head = ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  version: 8.4.2
                  backup: {command: "backup {file}", folder: /var/lib/tandem/backups}
                  schedule: {unit: days, every: 1, start-date: 01.01.2027, start-time: "02:30"}
                  standby:
                    address: 192.0.2.11
                    folder: /in
                    import-command: "i {file}"
                """;
        assertThat(errors(head)).containsExactly("node1.yaml:16: redundancy.standby.password: missing: the standby's"
                + " SSH login needs a password or a key (RED-6)");
        assertThat(errors(head + "    password: pw\n    key: id_ed25519\n")).containsExactly(
                "node1.yaml:21: redundancy.standby.key: give password or key, not both (RED-6)");

        SshKeys.write(dir.resolve("id_ecdsa"), "ecdsa-sha2-nistp256", "none");
        SshKeys.write(dir.resolve("id_locked"), "ssh-ed25519", "aes256-ctr");
        Files.writeString(dir.resolve("id_ed25519.pub"), "ssh-ed25519 AAAA test\n");
        for (String[] c : new String[][] {
            {"nope", "no such file " + dir.resolve("nope")},
            {"id_ecdsa", dir.resolve("id_ecdsa") + " holds a key of type ecdsa-sha2-nistp256; use an ed25519 or rsa key"},
            {"id_locked", dir.resolve("id_locked") + " is encrypted with a passphrase; the transfer runs unattended, so"
                    + " the key must have none (protect the file by its permissions)"},
            {"id_ed25519.pub", dir.resolve("id_ed25519.pub") + " is not a private key in OpenSSH format"
                    + " (-----BEGIN OPENSSH PRIVATE KEY-----)"}}) {
            assertThat(errors(head + "    key: " + c[0] + "\n")).containsExactly(
                    "node1.yaml:20: redundancy.standby.key: " + c[1]);
        }
    }

    @Test
    void theActivesAddressMustBeIpv4() {
        String hostPeer = ConfigLoaderTest.minimal("redundancy").replace("address: 10.0.0.2", "address: active.example.com");

        assertThat(errors(hostPeer + STANDBY_SECTION)).containsExactly(
                "node1.yaml:10: redundancy.switchover.active-address: missing: peer.address \"active.example.com\" is"
                        + " not an IPv4 address, so give the active's IPv4 address the standby takes over (RED-9) here");
        assertThat(parse(hostPeer + STANDBY_SECTION + "  switchover: {active-address: 192.0.2.10}\n").redundancy()
                .orElseThrow().switchover().orElseThrow().activeAddress()).isEqualTo("192.0.2.10");
    }

    @Test
    void errorsInNodeOrPeerAreReportedThereAlone() {
        assertThat(errors(ConfigLoaderTest.minimal("redundancy").replace("address: 10.0.0.2", "address: \"a b\"")
                + STANDBY_SECTION + "  switchover: {down-for: 2m}\n")).containsExactly(
                "node1.yaml:9: peer.address: must be an IPv4 or IPv6 address or a host name, got \"a b\"");
        assertThat(errors(ConfigLoaderTest.minimal("redundancy").replace("id: node1", "id: node1\n  priority: 5000")
                + """
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  version: 8.4.2
                  backup: {command: "backup {file}", folder: /var/lib/tandem/backups}
                  schedule: {unit: days, every: 1, start-date: 01.01.2027, start-time: "02:30"}
                  standby: {address: 192.0.2.11, password: pw, folder: /in, import-command: "i {file}"}
                """)).containsExactly("node1.yaml:3: node.priority: must be 0..1000, got 5000");
    }

    @Test
    void theUsersToMailAreAListOrAFileAndNeedTheMailSection() throws IOException {
        Files.writeString(dir.resolve("users.txt"), "alice@example.com\nbob\n# carol@example.com\ndave at example\n");

        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + STANDBY_SECTION + """
                  switchover:
                    users: [alice@example.com]
                """)).containsExactly("node1.yaml:17: redundancy.switchover.users: needs the node's mail: section: the"
                + " switchover mails go through the configured mail server (RED-10)");
        assertThat(errors(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    users: [alice@example.com]
                    users-file: users.txt
                """))).containsExactly(
                "node1.yaml:22: redundancy.switchover.users-file: file " + dir.resolve("users.txt") + " line 2: must be a"
                        + " mail address like ops@example.org, got \"bob\"",
                "node1.yaml:22: redundancy.switchover.users-file: file " + dir.resolve("users.txt") + " line 4: must be a"
                        + " mail address like ops@example.org, got \"dave at example\"",
                "node1.yaml:22: redundancy.switchover.users-file: give users or users-file, not both");
        assertThat(errors(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    users-file: nobody.txt
                """))).singleElement().asString().startsWith(
                "node1.yaml:21: redundancy.switchover.users-file: file " + dir.resolve("nobody.txt") + " file not found");
    }

    @Test
    void theProbesThatCountArePingSshOrBothAndNothingElse() {
        assertThat(parse(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    probes: [ssh]
                """)).redundancy().orElseThrow().switchover().orElseThrow().probes())
                .containsExactly(Redundancy.Probe.SSH);
        assertThat(parse(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    probes: [ssh, ping]
                """)).redundancy().orElseThrow().switchover().orElseThrow().probes())
                .as("always in the order ping, ssh").containsExactly(Redundancy.Probe.PING, Redundancy.Probe.SSH);
        assertThat(parse(redundancyNode(STANDBY_SECTION)).redundancy().orElseThrow().switchover().orElseThrow().probes())
                .as("the default").isEqualTo(RedundancyDefaults.PROBES);

        String expected = "must be [ping], [ssh] or [ping, ssh] (which answers of the active count besides its"
                + " heartbeat, RED-9), got ";
        assertThat(errors(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    probes: [ssh, heartbeat]
                """))).containsExactly("node1.yaml:21: redundancy.switchover.probes[1]: " + expected + "\"heartbeat\"");
        assertThat(errors(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    probes: ssh
                """))).containsExactly("node1.yaml:21: redundancy.switchover.probes: " + expected + "\"ssh\"");
        assertThat(errors(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    probes: [ping, ping]
                """))).containsExactly("node1.yaml:21: redundancy.switchover.probes[1]: " + expected
                + "\"ping\" twice");
        assertThat(errors(redundancyNode(STANDBY_SECTION + """
                  switchover:
                    probes: []
                """))).containsExactly("node1.yaml:21: redundancy.switchover.probes: " + expected + "an empty list:"
                + " the active's heartbeat alone never shows that it is completely down");
    }

    @Test
    void aScheduleThatRunsInsideTheBackupWindowIsRefused() {
        String active = ConfigLoaderTest.minimal("redundancy") + """
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  version: 8.4.2
                  backup:
                    command: "backup {file}"
                    folder: /var/lib/tandem/backups
                    window: {start: "23:30", duration: 2h}
                  schedule:
                    unit: hours
                    every: 8
                    start-date: 24.12.2026
                    start-time: "09:00"
                    time-zone: Europe/Berlin
                  standby: {address: 192.0.2.11, password: pw, folder: /in, import-command: "i {file}"}
                """;

        assertThat(errors(active)).containsExactly(
                "node1.yaml:18: redundancy.schedule: the run at 25.12.2026 01:00 Europe/Berlin falls inside the backup"
                        + " window (daily 23:30 for 2h); move start-time or backup.window (RED-5: a transfer must not"
                        + " overlap the creation of a backup)");
        assertThat(parse(active.replace("every: 8", "every: 12")).redundancy()).as("09:00 and 21:00 miss it")
                .isPresent();
    }
}
