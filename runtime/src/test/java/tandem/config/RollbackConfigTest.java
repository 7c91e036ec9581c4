package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML {@code redundancy.rollback:} (RED-12): the standby's guided rollback, what Tandem runs of it. */
class RollbackConfigTest {
    @TempDir
    Path dir;

    @BeforeEach
    void keyFile() throws IOException {
        SshKeys.ed25519(dir.resolve("id_ed25519"));
    }

    private NodeConfig parse(String yaml) {
        return ConfigLoader.parse("node1.yaml", yaml, dir, Map.of("ORIGINAL_PASSWORD", "s3cret"));
    }

    private List<String> errors(String yaml) {
        return Errors.of(yaml, dir, Map.of());
    }

    /** The standby's required keys (lines 10..15), then {@code rollback} (from line 16 on). */
    private static String standby(String rollback) {
        return ConfigLoaderTest.minimal("redundancy") + RedundancyConfigTest.STANDBY_SECTION + rollback;
    }

    @Test
    void aStandbyKeepsEveryValue() {
        Redundancy.Rollback r = parse(standby("""
                  rollback:
                    backup-command: /opt/appliance/bin/backup --out {file}
                    user: admin
                    key: id_ed25519
                    known-hosts: original_known_hosts
                    folder: /var/lib/appliance/restore
                    import-command: /opt/appliance/bin/import {file}
                    restore-command: /opt/appliance/bin/restore-identity
                    timeout: 2h
                """)).redundancy().orElseThrow().rollback().orElseThrow();

        assertThat(r.backupCommand()).isEqualTo("/opt/appliance/bin/backup --out {file}");
        assertThat(r.user()).isEqualTo("admin");
        assertThat(r.password()).isEmpty();
        assertThat(r.key()).contains(dir.resolve("id_ed25519"));
        assertThat(r.knownHosts()).isEqualTo(dir.resolve("original_known_hosts"));
        assertThat(r.folder()).isEqualTo("/var/lib/appliance/restore");
        assertThat(r.importCommand()).isEqualTo("/opt/appliance/bin/import {file}");
        assertThat(r.restoreCommand()).contains("/opt/appliance/bin/restore-identity");
        assertThat(r.timeout()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void theDefaultsAreRootTheStateFoldersKnownHostsAndHalfAnHour() {
        NodeConfig c = parse(standby("""
                  rollback:
                    backup-command: backup {file}
                    password: ${env:ORIGINAL_PASSWORD}
                    folder: /tmp/restore
                    import-command: import {file}
                """));
        Redundancy.Rollback r = c.redundancy().orElseThrow().rollback().orElseThrow();

        assertThat(r.user()).isEqualTo("root");
        assertThat(r.password().orElseThrow().reveal()).isEqualTo("s3cret");
        assertThat(r.knownHosts()).isEqualTo(c.node().stateDir().resolve("known_hosts"));
        assertThat(r.restoreCommand()).isEmpty();
        assertThat(r.timeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void withoutTheSectionTheStandbyHasNoRollbackSettings() {
        assertThat(parse(standby("")).redundancy().orElseThrow().rollback()).isEqualTo(Optional.empty());
    }

    @Test
    void badValuesAreNamedByField() {
        assertThat(errors(standby("""
                  rollback:
                    backup-command: /opt/appliance/bin/backup
                    folder: restore
                    import-command: import
                    timeout: 10s
                """))).containsExactlyInAnyOrder(
                "node1.yaml:17: redundancy.rollback.backup-command: must contain {file}, the placeholder for the backup"
                        + " archive's path, got \"/opt/appliance/bin/backup\"",
                "node1.yaml:16: redundancy.rollback.password: missing: the SSH login on the original active needs a"
                        + " password or a key (the rollback imports the backup there, RED-12)",
                "node1.yaml:18: redundancy.rollback.folder: must be an absolute path on the original active (starting"
                        + " with /), got \"restore\"",
                "node1.yaml:19: redundancy.rollback.import-command: must contain {file}, the placeholder for the backup"
                        + " archive's path, got \"import\"",
                "node1.yaml:20: redundancy.rollback.timeout: must be 1m..12h, got \"10s\"");
    }

    @Test
    void passwordAndKeyTogetherAreRefused() {
        assertThat(errors(standby("""
                  rollback:
                    backup-command: backup {file}
                    password: secret
                    key: id_ed25519
                    folder: /tmp/restore
                    import-command: import {file}
                """))).containsExactly("node1.yaml:19: redundancy.rollback.key: give password or key, not both");
    }

    @Test
    void anActiveHasNoRollbackSection() {
        assertThat(errors(ConfigLoaderTest.minimal("redundancy") + """
                mail:
                  host: 127.0.0.1
                  from: pair@example.com
                  to: ops@example.com
                redundancy:
                  role: active
                  license-key: ABCDE-12345-FGHIJ-67890
                  version: "8.4.2"
                  rollback: {backup-command: "b {file}"}
                """)).anySatisfy(e -> assertThat(e).isEqualTo("node1.yaml:18: redundancy.rollback: is a setting of"
                + " role standby only; redundancy.role is active"));
    }
}
