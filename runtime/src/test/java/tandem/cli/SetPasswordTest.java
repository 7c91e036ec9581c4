package tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.config.PasswordHash;

/** {@code tandem set-password} on each shape a {@code console:} block takes, the password piped in. */
class SetPasswordTest {
    private static final String PW = "correct horse battery";
    private static final String HEAD = """
            # node1 of the shop cluster
            node: {id: node1, profile: ms-failover}   # keep this comment
            cluster:
                name: c
                secret: 0123456789abcdef
            peer: {id: node2, address: 10.0.0.2}
            """;

    @TempDir
    Path tmp;

    record Cli(int status, String out, String err) {
    }

    private Cli run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path config(String text) throws IOException {
        Path f = tmp.resolve("node1.yaml");
        Files.writeString(f, text);
        return f;
    }

    /** The hash the file now holds, checked to be of {@link #PW}. */
    private static String hashIn(Path f) {
        NodeConfig c = ConfigLoader.load(f);
        String hash = c.console().passwordHash().orElseThrow().reveal();
        assertThat(PasswordHash.parse(hash).matches(PW.toCharArray())).isTrue();
        assertThat(PasswordHash.parse(hash).matches("correct horse batterY".toCharArray())).isFalse();
        return hash;
    }

    @Test
    void replacesTheLineInPlaceKeepingEveryOtherByte() throws IOException {
        String before = HEAD + """
                console:
                    # who may log in
                    user: ops
                    password-hash: Summer2024!   # set by hand, wrongly
                    tls:
                        password-hash: not-this-one
                    port: 9443
                # the end
                """;
        Path f = config(before.replace("    tls:\n        password-hash: not-this-one\n", ""));
        before = Files.readString(f);

        Cli r = run(PW + "\n", "set-password", "--config", f.toString());

        assertThat(r.status()).as(r.err()).isZero();
        String hash = hashIn(f);
        assertThat(Files.readString(f)).isEqualTo(before.replace("password-hash: Summer2024!",
                "password-hash: " + hash));
        assertThat(r.out()).startsWith("console password of ops set in " + f + ".\n")
                .contains("  password-hash: " + hash + "\n")
                .contains("copy this line into the console: block of its config as it is")
                .contains("restart both nodes");
    }

    @Test
    void aNestedKeyOfTheSameNameIsNotTheBlocksAndTheUserIsReplaced() throws IOException {
        // console has no nested mappings today; the edit still looks at its direct children only
        String text = "console:\n  user: ops   # the on-call login\n  port: 9443\n";
        String edited = SetPassword.edit(text, new java.util.LinkedHashMap<>(java.util.Map.of("user", "admin2")));

        assertThat(edited).isEqualTo("console:\n  user: admin2   # the on-call login\n  port: 9443\n");
        assertThat(SetPassword.edit("console:\n  extra:\n    password-hash: x\n  port: 1\n",
                java.util.Map.of("password-hash", "H"))).isEqualTo(
                "console:\n  password-hash: H\n  extra:\n    password-hash: x\n  port: 1\n");
    }

    @Test
    void insertsAsTheBlocksFirstChildIndentedLikeTheOthersWithTheUser() throws IOException {
        String block = """
                console:   # the web console
                    port: 9443
                    user: ops
                """;
        Path f = config(HEAD + block + "mail: # none yet\n");

        Cli r = run(PW + "\n", "set-password", "--config", f.toString(), "--user", "operator");

        assertThat(r.status()).as(r.err()).isZero();
        String hash = hashIn(f);
        assertThat(Files.readString(f)).isEqualTo(HEAD + """
                console:   # the web console
                    password-hash: %s
                    port: 9443
                    user: operator
                mail: # none yet
                """.formatted(hash));
        assertThat(ConfigLoader.load(f).console().user()).isEqualTo("operator");
        assertThat(r.out()).startsWith("console password of operator set in " + f + ".");
    }

    @Test
    void anEmptyConsoleBlockAtTheEndWithoutANewlineGetsTwoSpaces() throws IOException {
        Path f = config(HEAD + "console:");

        Cli r = run(PW, "set-password", "--config", f.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(f)).isEqualTo(HEAD + "console:\n  password-hash: " + hashIn(f) + "\n");
        assertThat(r.out()).startsWith("console password of admin set in ");
    }

    @Test
    void appendsAConsoleBlockWhenTheFileHasNone() throws IOException {
        Path f = config(HEAD);

        Cli r = run(PW + "\r\n", "set-password", "--config=" + f, "--user=ops");

        assertThat(r.status()).as(r.err()).isZero();
        // the file's own indentation (4) is used for the new block too
        assertThat(Files.readString(f)).isEqualTo(HEAD + "console:\n    user: ops\n    password-hash: " + hashIn(f) + "\n");
    }

    @Test
    void keepsWindowsLineEndsAndThePermissions() throws IOException {
        Path f = config((HEAD + "console:\n  password-hash: old-and-wrong\n").replace("\n", "\r\n"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));

        Cli r = run(PW + "\n", "set-password", "--config", f.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(f)).isEqualTo((HEAD + "console:\n  password-hash: " + hashIn(f) + "\n")
                .replace("\n", "\r\n"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("node1.yaml");
        }
    }

    @Test
    void aFileReferenceGetsTheHashAndTheConfigStaysAsItWas() throws IOException {
        String text = HEAD + "console:\n  password-hash: \"${file:secrets/console.hash}\"  # kept apart\n";
        Path f = config(text);
        Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(tmp.resolve("secrets/console.hash"), "plain-and-wrong\n");

        Cli r = run(PW + "\n", "set-password", "--config", f.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(f)).isEqualTo(text);
        Path secret = tmp.resolve("secrets/console.hash");
        String hash = hashIn(f);
        assertThat(Files.readString(secret)).isEqualTo(hash + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(r.out()).startsWith("console password of admin set in " + secret + " (" + f
                + " reads it as ${file:secrets/console.hash}).");
    }

    @Test
    void anEnvironmentReferenceIsRefusedAndTheHashPrinted() throws IOException {
        String text = HEAD + "console:\n  password-hash: ${env:TANDEM_CONSOLE_HASH}\n";
        Path f = config(text);

        Cli r = run(PW + "\n", "set-password", "--config", f.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(Files.readString(f)).isEqualTo(text);
        assertThat(PasswordHash.parse(r.out().strip()).matches(PW.toCharArray())).isTrue();
        assertThat(r.err()).isEqualTo("tandem set-password: " + f + ": console.password-hash is"
                + " ${env:TANDEM_CONSOLE_HASH}, which this command cannot set; nothing written. Set the environment"
                + " variable TANDEM_CONSOLE_HASH to the hash printed above where the node runs (a running node takes it"
                + " when restarted); both nodes need the same hash (the peer link compares them).\n");
    }

    @Test
    void aFlowStyleConsoleIsRefusedAndTheHashPrinted() throws IOException {
        String text = HEAD + "console: {port: 9443, user: ops}\n";
        Path f = config(text);

        Cli r = run(PW + "\n", "set-password", "--config", f.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(Files.readString(f)).isEqualTo(text);
        assertThat(PasswordHash.parse(r.out().strip()).matches(PW.toCharArray())).isTrue();
        assertThat(r.err()).contains("console: is written in flow style ({...}), which this command does not rewrite;"
                + " nothing written. Add password-hash: <the hash printed above> to the console mapping;");
    }

    @Test
    void aShortPasswordIsRefusedAndNothingChanges() throws IOException {
        String text = HEAD + "console:\n  port: 9443\n";
        Path f = config(text);

        Cli r = run("short-pw1\n", "set-password", "--config", f.toString());

        assertThat(r).isEqualTo(new Cli(1, "", "tandem set-password: the password is 9 characters; it must be at"
                + " least 10 (nothing changed)\n"));
        assertThat(Files.readString(f)).isEqualTo(text);
        assertThat(run("", "set-password", "--config", f.toString()).err()).startsWith(
                "tandem set-password: no password on standard input");
    }

    @Test
    void aConfigThatNoLongerLoadsIsPutBack() throws IOException {
        String text = HEAD.replace("address: 10.0.0.2}", "address: 10.0.0.2, port: 70000}") + "console:\n  port: 9443\n";
        Path f = config(text);

        Cli r = run(PW + "\n", "set-password", "--config", f.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(Files.readString(f)).isEqualTo(text);
        assertThat(r.err()).isEqualTo("tandem set-password: " + f + " does not load with the new password hash, so it"
                + " was put back as it was:\n" + f + ":6: peer.port: must be 1..65535, got 70000\n(it did not load"
                + " before the change either: fix these, or run this where the environment variables it names are set,"
                + " and run tandem set-password again)\n");
    }

    @Test
    void usageErrorsAndAMissingFile() {
        Cli unknown = run(PW + "\n", "set-password", "--config", "x.yaml", "--password", "x");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("tandem set-password: unknown option \"--password\"\nusage: tandem");
        assertThat(run("", "set-password").err()).startsWith("tandem set-password: --config FILE is required\n");
        assertThat(run("", "set-password", "--config", "x.yaml", "--user", " ").status()).isEqualTo(2);

        Path missing = tmp.resolve("nope.yaml");
        assertThat(run(PW + "\n", "set-password", "--config", missing.toString()))
                .isEqualTo(new Cli(1, "", "tandem set-password: " + missing + ": no such file\n"));
        assertThat(List.of(Main.USAGE.split("\n"))).anyMatch(l -> l.contains("set-password --config FILE [--user NAME]"));
    }
}
