package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tandem.transfer.KnownHostsTest.ECDSA;
import static tandem.transfer.KnownHostsTest.ED25519;
import static tandem.transfer.KnownHostsTest.HASHED_192_168_7_20;
import static tandem.transfer.KnownHostsTest.key;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HostKeyTrust}: what the known_hosts file says of the key a server presents, and making a
 * confirmed key the one trusted for the server, against a real SSH server (MINA SSHD) and files in
 * OpenSSH's format.
 */
class HostKeyTrustTest {
    @TempDir
    Path dir;

    @Test
    void observingTellsUnknownKnownChangedAndRevokedApart() throws Exception {
        KeyPair old = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        try (StandbySsh ssh = StandbySsh.start()) {
            Path kh = dir.resolve("known_hosts");
            String name = "[127.0.0.1]:" + ssh.port();
            String presented = PublicKeyEntry.toString(ssh.hostKey.getPublic());

            HostKeyTrust.Observed unknown = HostKeyTrust.observe(ssh.passwordTarget(kh));
            assertThat(unknown.status()).isEqualTo(HostKeyTrust.Status.UNKNOWN);
            assertThat(unknown.fingerprint()).isEqualTo(HostKeys.fingerprint(ssh.hostKey.getPublic()));
            assertThat(unknown.keyType()).isEqualTo("ssh-ed25519");
            assertThat(unknown.address()).isEqualTo("127.0.0.1:" + ssh.port());
            assertThat(unknown.others()).isEmpty();

            Files.writeString(kh, name + " " + PublicKeyEntry.toString(old.getPublic()) + "\n");
            HostKeyTrust.Observed changed = HostKeyTrust.observe(ssh.passwordTarget(kh));
            assertThat(changed.status()).isEqualTo(HostKeyTrust.Status.CHANGED);
            assertThat(changed.others()).containsExactly("ssh-ed25519 " + HostKeys.fingerprint(old.getPublic()) + " ("
                    + kh + ":1)");

            Files.writeString(kh, name + " " + presented + "\n");
            assertThat(HostKeyTrust.observe(ssh.passwordTarget(kh)).status()).isEqualTo(HostKeyTrust.Status.KNOWN);

            Files.writeString(kh, "@revoked " + name + " " + presented + "\n" + name + " " + presented + "\n");
            assertThat(HostKeyTrust.observe(ssh.passwordTarget(kh)).status()).isEqualTo(HostKeyTrust.Status.REVOKED);
        }
    }

    @Test
    void trustingReplacesTheServersOldKeysAndKeepsEveryOtherLine() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, """
                # site hosts
                192.168.7.30 %s
                %s %s
                @revoked 192.168.7.20 %s
                """.formatted(ED25519, HASHED_192_168_7_20, ED25519, ECDSA));
        Files.setPosixFilePermissions(kh, PosixFilePermissions.fromString("rw-r-----"));
        KeyPair fresh = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);

        HostKeyTrust.trust(kh, "192.168.7.20", 22, fresh.getPublic());

        List<String> lines = Files.readAllLines(kh);
        assertThat(lines).containsExactly("# site hosts", "192.168.7.30 " + ED25519, "@revoked 192.168.7.20 " + ECDSA,
                "192.168.7.20 " + PublicKeyEntry.toString(fresh.getPublic()));
        assertThat(Files.getPosixFilePermissions(kh)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(KnownHosts.load(kh).forHost("192.168.7.20", 22)).filteredOn(e -> !e.revoked()).singleElement()
                .satisfies(e -> assertThat(KeyUtils.compareKeys(e.key(), fresh.getPublic())).isTrue());
        assertThat(Files.list(dir)).as("no temporary file left").containsExactly(kh);

        HostKeyTrust.trust(kh, "192.168.7.20", 22, fresh.getPublic());
        assertThat(Files.readAllLines(kh)).as("a key trusted already is not added again").isEqualTo(lines);
    }

    @Test
    void aNewFileIsPrivate() throws Exception {
        Path kh = dir.resolve("state/known_hosts");

        HostKeyTrust.trust(kh, "10.0.0.5", 2222, key(ED25519));

        assertThat(Files.readAllLines(kh)).containsExactly("[10.0.0.5]:2222 " + ED25519);
        assertThat(Files.getPosixFilePermissions(kh)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anOldKeyOnALineForOtherHostsTooIsLeftToTheOperator() throws Exception {
        Path kh = dir.resolve("known_hosts");
        String before = "192.168.7.*,!192.168.7.1 " + ECDSA + "\n";
        Files.writeString(kh, before);

        assertThatThrownBy(() -> HostKeyTrust.trust(kh, "192.168.7.20", 22, key(ED25519)))
                .isInstanceOf(TransferException.class)
                .hasMessage(kh + ":1 holds another key (ecdsa-sha2-nistp256 " + KnownHostsTest.ECDSA_FP
                        + ") for 192.168.7.20:22 on a line that names other hosts too (\"192.168.7.*,!192.168.7.1\"):"
                        + " remove 192.168.7.20 from it by hand, then trust the key again");
        assertThat(Files.readString(kh)).isEqualTo(before);
    }
}
