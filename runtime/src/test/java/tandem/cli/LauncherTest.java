package tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import tandem.sim.SimFixtures;

/**
 * {@code bin/tandem}'s first build, in a copy of the launcher with a stand-in {@code mvn} (Maven's own
 * output, escape sequences included) and a stand-in {@code java}: what the user sees while it builds.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherTest {
    @TempDir
    Path home;

    /** Maven 3.8's output of a package run: colour resets with -B, one step line per plugin, much else. */
    private static final String MAVEN_OUTPUT = """
            \033[0m\033[0m[INFO] Scanning for projects...
            [INFO] ------------------------------------------------------------------------
            [INFO] Reactor Build Order:
            [INFO] \033[1mBuilding tandem-runtime 0.1.0-SNAPSHOT\033[m
            [INFO] \033[1m--- \033[0;32mmaven-resources-plugin:3.3.1:resources\033[m \033[1m(default-resources)\033[m @ \033[36mtandem-runtime\033[0;1m ---\033[m
            [INFO] Copying 1 resource
            [INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ tandem-runtime ---
            [INFO] Compiling 240 source files with javac [debug target 17] to target/classes
            [WARNING] some deprecation
            [INFO] --- maven-dependency-plugin:3.6.1:copy-dependencies (copy-lib) @ tandem-runtime ---
            [INFO] Copying camel-main-4.17.0.jar to runtime/target/lib/camel-main-4.17.0.jar
            [INFO] BUILD SUCCESS
            \033[0m\033[0m""";

    private Path launcher(String mavenScript) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.copy(SimFixtures.home().resolve("bin/tandem"), bin.resolve("tandem"));
        executable(bin.resolve("tandem"));
        Files.createDirectories(home.resolve("runtime/src/main/java"));
        Files.writeString(home.resolve("pom.xml"), "<project/>\n");
        Files.writeString(home.resolve("runtime/pom.xml"), "<project/>\n");
        Path tools = Files.createDirectories(home.resolve("tools/bin"));
        Files.writeString(tools.resolve("mvn"), mavenScript);
        executable(tools.resolve("mvn"));
        Files.writeString(tools.resolve("java"), "#!/bin/sh\necho \"java ran: $*\" | sed 's/^java ran: .*tandem.cli.Main/java ran: Main/'\n");
        executable(tools.resolve("java"));
        return bin.resolve("tandem");
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int status, String out, String err) {
    }

    private Run run(Path launcher, String... args) throws Exception {
        return run(launcher, java.util.Map.of(), args);
    }

    private Run run(Path launcher, java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(home.resolve("out.txt").toFile())
                .redirectError(home.resolve("err.txt").toFile());
        pb.environment().put("PATH", home.resolve("tools/bin") + ":/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", home.resolve("tools").toString());
        pb.environment().put("TMPDIR", Files.createDirectories(home.resolve("tmp")).toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bin/tandem ends").isTrue();
        return new Run(p.exitValue(), Files.readString(home.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void theFirstBuildSaysWhatItDoesShowsOneLinePerStepAndWritesNoEscapes() throws Exception {
        Path launcher = launcher("#!/bin/sh\ncat <<'EOF'\n" + MAVEN_OUTPUT + "\nEOF\n"
                + "mkdir -p runtime/target/classes/tandem runtime/target/lib\necho \"args: $*\" >&2\n");

        Run r = run(launcher, "version");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("java ran: Main version\n");
        assertThat(r.err()).doesNotContain("\033")
                .contains("tandem: building the runtime first (mvn package: compiles the sources", "usually one to two minutes")
                .containsPattern("(?m)^tandem: +\\d+s  tandem-runtime: resources$")
                .containsPattern("(?m)^tandem: +\\d+s  tandem-runtime: compile$")
                .containsPattern("(?m)^tandem: +\\d+s  tandem-runtime: copy-dependencies$")
                .containsPattern("(?m)^tandem: built in \\d+ s$")
                .doesNotContain("Compiling 240 source files", "Copying camel-main", "Scanning for projects", "args:");
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(5);
        assertThat(home.resolve("runtime/target/.built")).exists();
        assertThat(Files.list(home.resolve("tmp"))).as("the build log is removed after a good build").isEmpty();

        Run again = run(launcher, "version");

        assertThat(again.err()).as("built: no second build").isEmpty();
        assertThat(again.out()).isEqualTo("java ran: Main version\n");
    }

    @Test
    void aLongStepSaysItIsStillRunningEveryTick() throws Exception {
        // a compile that takes 1.5 s, reported every 0.3 s (a real build: every 15 s)
        Path launcher = launcher("#!/bin/sh\necho '[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile)"
                + " @ tandem-runtime ---'\nsleep 1.5\nprintf '[INFO] BUILD SUCCESS'\n"
                + "mkdir -p runtime/target/classes/tandem runtime/target/lib\n");

        Run r = run(launcher, java.util.Map.of("TANDEM_BUILD_TICK", "0.3"), "version");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("(?m)^tandem: +\\d+s  tandem-runtime: compile$")
                .containsPattern("(?m)^tandem: +\\d+s  tandem-runtime: compile still running$");
        assertThat(r.err().lines().filter(l -> l.endsWith("still running")).count()).as(r.err()).isBetween(2L, 8L);
        Path log = home.resolve("tmp");
        assertThat(Files.list(log)).as("the build log is removed after a good build").isEmpty();
    }

    @Test
    void aFailedBuildShowsItsErrorsAndKeepsMavensWholeOutput() throws Exception {
        Path launcher = launcher("#!/bin/sh\ncat <<'EOF'\n\033[0m[INFO] --- maven-compiler-plugin:3.11.0:compile"
                + " (default-compile) @ tandem-runtime ---\n\033[1;31m[ERROR]\033[m Main.java:[3,1] ';' expected\n"
                + "[INFO] detail only in the log\nEOF\nexit 1\n");

        Run r = run(launcher, "version");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).doesNotContain("\033", "detail only in the log")
                .contains("tandem:   [ERROR] Main.java:[3,1] ';' expected")
                .containsPattern("tandem: the build failed; Maven's whole output is in .*/tmp/tandem-build\\.\\w+");
        Path log = Files.list(home.resolve("tmp")).findFirst().orElseThrow();
        assertThat(Files.readString(log)).contains("[INFO] detail only in the log");
        assertThat(home.resolve("runtime/target/.built")).doesNotExist();
    }
}
