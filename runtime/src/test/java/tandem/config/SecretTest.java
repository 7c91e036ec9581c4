package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {
    /** A console password hash as {@code tandem set-password} writes it (of "correct horse battery"). */
    static final String HASH = "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw$yNEi7NuUd81IprF1DFmFwLiwUVjQQNIFF8zbSYZd5DY";

    @TempDir
    Path dir;

    private static String withSecret(String secret) {
        return """
                node: {id: node1, profile: ms-failover}
                cluster:
                  name: c
                  secret: %s
                peer: {id: node2, address: 10.0.0.2}
                """.formatted(secret);
    }

    @Test
    void secretFromEnvironment() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", withSecret("${env:TANDEM_SECRET}"), dir,
                Map.of("TANDEM_SECRET", "from-the-environment"));

        assertThat(c.cluster().secret().reveal()).isEqualTo("from-the-environment");
        assertThat(c.cluster().secret().source()).isEqualTo("env:TANDEM_SECRET");
    }

    @Test
    void secretFromFileRelativeToBaseDirIsTrimmed() throws IOException {
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/cluster.key"), "\n  from-a-file-0123456  \n");

        NodeConfig c = ConfigLoader.parse("node1.yaml", withSecret("${file:keys/cluster.key}"), dir, Map.of());

        assertThat(c.cluster().secret().reveal()).isEqualTo("from-a-file-0123456");
        assertThat(c.cluster().secret().source()).isEqualTo("file:" + dir.resolve("keys/cluster.key"));
    }

    @Test
    void missingEnvironmentVariableNamesTheField() {
        assertThat(Errors.of(withSecret("${env:TANDEM_SECRET}"), dir, Map.of())).containsExactly(
                "node1.yaml:4: cluster.secret: environment variable TANDEM_SECRET is not set"
                        + " (referenced as ${env:TANDEM_SECRET})");
    }

    @Test
    void missingOrEmptySecretFileNamesTheField() throws IOException {
        Files.writeString(dir.resolve("empty.key"), "  \n");

        assertThat(Errors.of(withSecret("${file:nope.key}"), dir, Map.of())).containsExactly(
                "node1.yaml:4: cluster.secret: file " + dir.resolve("nope.key")
                        + " does not exist (referenced as ${file:nope.key})");
        assertThat(Errors.of(withSecret("${file:empty.key}"), dir, Map.of())).containsExactly(
                "node1.yaml:4: cluster.secret: file " + dir.resolve("empty.key")
                        + " is empty (referenced as ${file:empty.key})");
    }

    @Test
    void unknownReferenceIsAnError() {
        assertThat(Errors.of(withSecret("${TANDEM_SECRET}"), dir, Map.of())).containsExactly(
                "node1.yaml:4: cluster.secret: must be a literal, ${env:NAME} or ${file:PATH};"
                        + " cannot use \"${TANDEM_SECRET}\"");
    }

    @Test
    void shortClusterSecretIsRejectedWithoutShowingIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse("node1.yaml", withSecret("${env:S}"), dir, Map.of("S", "hunter2")));

        assertThat(e.getMessage())
                .isEqualTo("node1.yaml:4: cluster.secret: must be at least 16 characters (it keys the HMAC of every"
                        + " peer-link frame), got 7")
                .doesNotContain("hunter2");
    }

    @Test
    void optionalSecretsResolveToo() {
        String yaml = withSecret("0123456789abcdef") + """
                mail:
                  host: smtp.example.org
                  username: tandem
                  password: ${env:MAIL_PW}
                  from: tandem@example.org
                  to: ops@example.org
                console:
                  password-hash: ${env:CONSOLE_HASH}
                """;

        assertThat(Errors.of(yaml, dir, Map.of("MAIL_PW", "pw"))).containsExactly(
                "node1.yaml:13: console.password-hash: environment variable CONSOLE_HASH is not set"
                        + " (referenced as ${env:CONSOLE_HASH})");
        NodeConfig c = ConfigLoader.parse("node1.yaml", yaml, dir, Map.of("MAIL_PW", "pw", "CONSOLE_HASH", HASH));
        assertThat(c.mail().orElseThrow().password().orElseThrow().reveal()).isEqualTo("pw");
        assertThat(c.console().passwordHash().orElseThrow().reveal()).isEqualTo(HASH);
    }

    @Test
    void toStringMasksTheValueEverywhere() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", withSecret("super-secret-value-42"), dir, Map.of());

        assertThat(c.cluster().secret()).hasToString("****");
        assertThat(c.cluster().toString()).contains("secret=****").doesNotContain("super-secret-value-42");
        assertThat(c.toString()).doesNotContain("super-secret-value-42");
    }

    @Test
    void secretsCompareByValue() {
        assertThat(Secret.of("x", "env:A")).isEqualTo(Secret.literal("x")).hasSameHashCodeAs(Secret.literal("x"));
        assertThat(Secret.literal("x")).isNotEqualTo(Secret.literal("y"));
    }

    @Test
    void aSecretFileOverTheLimitIsRefusedWithItsSize() throws IOException {
        Files.writeString(dir.resolve("big.key"), "k".repeat(64 * 1024 + 1));

        assertThat(Errors.of(withSecret("${file:big.key}"), dir, Map.of())).containsExactly(
                "node1.yaml:4: cluster.secret: file " + dir.resolve("big.key") + " is 65537 bytes; a secret file is at"
                        + " most 64 KiB (referenced as ${file:big.key})");
    }

    @Test
    void aDeviceAsSecretFileIsNamedAsNotARegularFile() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "a system with /dev/zero");

        assertThat(Errors.of(withSecret("${file:/dev/zero}"), dir, Map.of())).containsExactly(
                "node1.yaml:4: cluster.secret: file /dev/zero is not a regular file (a device, pipe or socket);"
                        + " a secret file is a regular file of at most 64 KiB (referenced as ${file:/dev/zero})");
    }

    @Test
    void aSecretFileThatIsNotUtf8NamesItsLine() throws IOException {
        Files.write(dir.resolve("latin1.key"), "first-line\nsecr\u00e9t-secret-secret\n".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1));

        assertThat(Errors.of(withSecret("${file:latin1.key}"), dir, Map.of())).containsExactly(
                "node1.yaml:4: cluster.secret: file " + dir.resolve("latin1.key") + " line 2: is not UTF-8 text: the"
                        + " byte 0xe9 in column 5 is not UTF-8; save the file as UTF-8 (referenced as ${file:latin1.key})");
    }

    @Test
    void aConsolePasswordHashMustBeAHashAndAPlainPasswordIsNotShown() {
        String yaml = withSecret("0123456789abcdef") + """
                console:
                  password-hash: Summer2024-secret!
                """;

        assertThat(Errors.of(yaml, dir, Map.of())).containsExactly(
                "node1.yaml:7: console.password-hash: not a hash made by `tandem set-password` (expected"
                        + " pbkdf2-sha256$ITERATIONS$SALT$HASH): has no $-separated fields (is it a plain password?)");
        assertThat(Errors.of(yaml.replace("Summer2024-secret!", "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$x"), dir,
                Map.of())).containsExactly(
                "node1.yaml:7: console.password-hash: not a hash made by `tandem set-password` (expected"
                        + " pbkdf2-sha256$ITERATIONS$SALT$HASH): iterations 1000 is below 100000");
        NodeConfig c = ConfigLoader.parse("node1.yaml", yaml.replace("Summer2024-secret!", HASH), dir, Map.of());
        assertThat(PasswordHash.parse(c.console().passwordHash().orElseThrow().reveal())
                .matches("correct horse battery".toCharArray())).isTrue();
    }

    @Test
    void aConsolePasswordHashFromTheEnvironmentOrAFileIsCheckedToo() throws IOException {
        String yaml = withSecret("0123456789abcdef") + """
                console:
                  password-hash: ${env:CONSOLE_HASH}
                """;
        Files.writeString(dir.resolve("console.hash"), "my-plain-password\n");

        assertThat(Errors.of(yaml, dir, Map.of("CONSOLE_HASH", "my-plain-password"))).containsExactly(
                "node1.yaml:7: console.password-hash: not a hash made by `tandem set-password` (expected"
                        + " pbkdf2-sha256$ITERATIONS$SALT$HASH) in env:CONSOLE_HASH: has no $-separated fields (is it a"
                        + " plain password?)");
        assertThat(Errors.of(yaml.replace("${env:CONSOLE_HASH}", "${file:console.hash}"), dir, Map.of())).containsExactly(
                "node1.yaml:7: console.password-hash: not a hash made by `tandem set-password` (expected"
                        + " pbkdf2-sha256$ITERATIONS$SALT$HASH) in file:" + dir.resolve("console.hash") + ": has no"
                        + " $-separated fields (is it a plain password?)");
        Files.writeString(dir.resolve("console.hash"), HASH + "\n");
        assertThat(ConfigLoader.parse("node1.yaml", yaml.replace("${env:CONSOLE_HASH}", "${file:console.hash}"), dir,
                Map.of()).console().passwordHash().orElseThrow().reveal()).isEqualTo(HASH);
    }
}
