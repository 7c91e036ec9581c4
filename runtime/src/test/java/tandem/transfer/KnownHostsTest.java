package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading known_hosts files as OpenSSH writes them. The keys, hashed lines and fingerprints below were
 * made with OpenSSH 9.2's ssh-keygen ({@code -t ed25519}, {@code -t ecdsa}, {@code -H}, {@code -lf}).
 */
class KnownHostsTest {
    static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMMvngEHJ6tC1RGy74ykhEW/VD3mriF2GpmBW2+srshD";
    static final String ED25519_FP = "SHA256:+cO94/irQLCvGRKcMvs9ar1QPSSXoqwNeQUwVUo93FA";
    static final String ECDSA = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMzgVqTiBiKPyZTFb"
            + "xio3RVc+FzqIozWpjZhzLTTTPQ0TX82w1CnSF5opvD5vfLqT6IufhdZrLrlidi292hrULA=";
    static final String ECDSA_FP = "SHA256:H2GYj0KN15pZvT1uQz2urHr6JX5yM7CCPex+aJYOFZQ";
    /** ssh-keygen -H of "192.168.7.20 ED25519" and "[10.0.0.5]:2222 ECDSA". */
    static final String HASHED_192_168_7_20 = "|1|hNaz/FJha/QUkUMiunVCJWOcBaw=|X6GJyoAPJcPXSMj9lyN1OVXJ7Ho=";
    static final String HASHED_10_0_0_5_2222 = "|1|AlwAhuPeb2emFAP1cPNDbwQ/9rE=|6M7UgVO8jFtTfzw4oO67uBy7brs=";

    @TempDir
    Path dir;

    @Test
    void fingerprintsAreOpenSshs() throws Exception {
        assertThat(HostKeys.fingerprint(key(ED25519))).isEqualTo(ED25519_FP);
        assertThat(HostKeys.fingerprint(key(ECDSA))).isEqualTo(ECDSA_FP);
    }

    @Test
    void hashedEntriesMatchTheirHostAndPortOnly() throws Exception {
        KnownHosts kh = load("""
                %s %s
                %s %s
                """.formatted(HASHED_192_168_7_20, ED25519, HASHED_10_0_0_5_2222, ECDSA));

        assertThat(kh.forHost("192.168.7.20", 22)).singleElement()
                .satisfies(e -> assertThat(KeyUtils.compareKeys(e.key(), key(ED25519))).isTrue());
        assertThat(kh.forHost("192.168.7.20", 2222)).isEmpty();
        assertThat(kh.forHost("192.168.7.21", 22)).isEmpty();
        assertThat(kh.forHost("10.0.0.5", 2222)).singleElement()
                .satisfies(e -> assertThat(e.keyType()).isEqualTo("ecdsa-sha2-nistp256"));
        assertThat(kh.forHost("10.0.0.5", 22)).isEmpty();
    }

    @Test
    void ourHashedNamesAreOpenSshs() {
        assertThat(KnownHosts.matches(KnownHosts.hashedName("10.1.2.3", 2200, new byte[20]), "10.1.2.3", 2200)).isTrue();
        assertThat(KnownHosts.matches(KnownHosts.hashedName("10.1.2.3", 2200, new byte[20]), "10.1.2.3", 22)).isFalse();
    }

    @Test
    void plainEntriesWithPortsListsPatternsAndComments() throws Exception {
        KnownHosts kh = load("""
                # the standby, recorded by hand

                [127.0.0.1]:2222 %s standby
                10.0.0.7,10.0.0.8 %s
                10.0.1.* ,!10.0.1.9 %s
                @cert-authority *.example.org %s
                """.formatted(ED25519, ECDSA, ED25519, ECDSA).replace(" ,!", ",!"));

        assertThat(kh.entries()).extracting(KnownHosts.Entry::line).containsExactly(3, 4, 5);
        assertThat(kh.forHost("127.0.0.1", 2222)).hasSize(1);
        assertThat(kh.forHost("127.0.0.1", 22)).isEmpty();
        assertThat(kh.forHost("10.0.0.8", 22)).singleElement().extracting(KnownHosts.Entry::keyType)
                .isEqualTo("ecdsa-sha2-nistp256");
        assertThat(kh.forHost("10.0.1.4", 22)).hasSize(1);
        assertThat(kh.forHost("10.0.1.9", 22)).as("negated").isEmpty();
    }

    @Test
    void aRevokedKeyIsRefusedEvenWhenAlsoListed() throws Exception {
        KnownHosts kh = load("""
                10.0.0.7 %s
                @revoked * %s
                """.formatted(ED25519, ED25519));

        assertThat(HostKeyCheck.judge(kh, "10.0.0.7", 22, key(ED25519)))
                .contains("is marked @revoked in " + dir.resolve("known_hosts") + ":2");
    }

    @Test
    void aKnownKeyPassesAnUnknownOrChangedOneIsRefused() throws Exception {
        KnownHosts kh = load(HASHED_192_168_7_20 + " " + ED25519 + "\n");

        assertThat(HostKeyCheck.judge(kh, "192.168.7.20", 22, key(ED25519))).isNull();
        assertThat(HostKeyCheck.judge(kh, "192.168.7.20", 22, key(ECDSA)))
                .contains("192.168.7.20:22 has CHANGED")
                .contains("known is ssh-ed25519 " + ED25519_FP)
                .contains("now presents ecdsa-sha2-nistp256 " + ECDSA_FP);
        assertThat(HostKeyCheck.judge(kh, "192.168.7.99", 22, key(ECDSA)))
                .contains("192.168.7.99:22 is unknown")
                .contains("ecdsa-sha2-nistp256 " + ECDSA_FP)
                .contains("tandem command trust-standby-key");
    }

    @Test
    void aMissingFileKnowsNoHost() {
        assertThat(KnownHosts.load(dir.resolve("absent")).entries()).isEmpty();
    }

    @Test
    void malformedLinesAreNamedByFileAndLine() throws Exception {
        Path f = dir.resolve("known_hosts");
        for (String[] c : List.of(
                new String[] {"10.0.0.1 ssh-ed25519\n", ":1: expected 'hosts keytype base64-key [comment]'"},
                new String[] {"# ok\n10.0.0.1 ssh-ed25519 AAAA%%%\n", ":2: the ssh-ed25519 key is not valid"},
                new String[] {"|1|abc|def " + ED25519 + "\n", ":1: hashed host '|1|abc|def': salt and hash must be 20 bytes"},
                new String[] {"|2|x|y " + ED25519 + "\n", ":1: hashed host '|2|x|y' is not |1|salt|hash"},
                new String[] {"@trusted 10.0.0.1 " + ED25519 + "\n", ":1: unknown marker '@trusted'"},
                new String[] {"10.0.0.1 ssh-rsa " + ED25519.split(" ")[1] + "\n",
                        ":1: the ssh-rsa key is not valid: Reported key type (ssh-ed25519)"})) {
            Files.writeString(f, c[0]);
            assertThatThrownBy(() -> KnownHosts.load(f))
                    .isInstanceOfSatisfying(TransferException.class,
                            e -> assertThat(e.step()).isEqualTo(TransferException.Step.LOCAL))
                    .hasMessageStartingWith(f + c[1].substring(0, c[1].indexOf(':', 1) + 1))
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void recordingCreatesTheFile0600AndKeepsExistingLines() throws Exception {
        Path kh = dir.resolve("ssh/known_hosts");
        KeyPair a = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        KeyPair b = KeyUtils.generateKeyPair("ssh-rsa", 2048);

        HostKeys.record(kh, "10.0.0.2", 22, a.getPublic());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kh))).isEqualTo("rw-------");
        Files.writeString(kh, Files.readString(kh) + "# a comment the operator wrote\n10.9.9.9 " + ECDSA);
        HostKeys.record(kh, "10.0.0.2", 2222, b.getPublic());
        HostKeys.record(kh, "10.0.0.2", 2222, b.getPublic()); // once is enough

        List<String> lines = Files.readAllLines(kh);
        assertThat(lines).containsExactly(
                "10.0.0.2 " + PublicKeyEntry.toString(a.getPublic()),
                "# a comment the operator wrote",
                "10.9.9.9 " + ECDSA,
                "[10.0.0.2]:2222 " + PublicKeyEntry.toString(b.getPublic()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kh))).isEqualTo("rw-------");
        assertThat(dir.resolve("ssh")).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));
        KnownHosts read = KnownHosts.load(kh);
        assertThat(HostKeyCheck.judge(read, "10.0.0.2", 22, a.getPublic())).isNull();
        assertThat(HostKeyCheck.judge(read, "10.0.0.2", 2222, b.getPublic())).isNull();
    }

    @Test
    void recordingKeepsAnExistingFilesMode() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "10.9.9.9 " + ECDSA + "\n");
        Files.setPosixFilePermissions(kh, PosixFilePermissions.fromString("rw-r--r--"));

        HostKeys.record(kh, "10.0.0.2", 22, key(ED25519));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kh))).isEqualTo("rw-r--r--");
        assertThat(Files.readAllLines(kh)).hasSize(2);
    }

    private KnownHosts load(String content) throws Exception {
        Path f = dir.resolve("known_hosts");
        Files.writeString(f, content);
        return KnownHosts.load(f);
    }

    static PublicKey key(String line) throws Exception {
        return PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, null);
    }
}
