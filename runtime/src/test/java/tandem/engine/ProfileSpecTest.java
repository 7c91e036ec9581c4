package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.NodeState;

class ProfileSpecTest {

    @TempDir
    Path tmp;

    @Test
    void theShippedProfilesNameTheirFoldersTheirScenariosAndTheirTable() throws IOException {
        Path home = Fixtures.home();

        ProfileSpec ms = ProfileSpec.load(home, "ms-failover");
        ProfileSpec sbs = ProfileSpec.load(home, "sbs");

        assertThat(ms.name()).isEqualTo("ms-failover");
        assertThat(ms.file()).isEqualTo(home.resolve("profiles/ms-failover.yaml"));
        assertThat(ms.ruleFolders()).containsExactly(home.resolve("rules/common"), home.resolve("rules/pair"),
                home.resolve("rules/ms-failover"));
        assertThat(ms.routeFolders()).containsExactly(home.resolve("routes/common"), home.resolve("routes/pair"),
                home.resolve("routes/ms-failover"));
        assertThat(sbs.ruleFolders()).containsExactly(home.resolve("rules/common"), home.resolve("rules/pair"),
                home.resolve("rules/sbs"));
        assertThat(sbs.routeFolders()).containsExactly(home.resolve("routes/common"), home.resolve("routes/pair"),
                home.resolve("routes/sbs"));
        for (ProfileSpec p : List.of(ms, sbs)) {
            Path samples = home.resolve("samples").resolve(p.name()).resolve("scenarios");
            assertThat(p.scenarios()).isEqualTo(samples);
            try (Stream<Path> s = Files.list(samples)) {
                assertThat(p.scenarioFiles()).as("every scenario of %s", p.name())
                        .containsExactlyElementsOf(s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList())
                        .isNotEmpty();
            }
            assertThat(p.transitions().initial()).isEqualTo(NodeState.WAIT);
            assertThat(p.transitions().table()).hasSize(10);
        }
        assertThat(sbs.transitions().find(NodeState.ALONE, NodeState.WAIT).orElseThrow().why())
                .as("each profile says why in its own words").contains("two primaries");
    }

    @Test
    void theRedundancyProfileHasNoPairAndNoPrimary() {
        Path home = Fixtures.home();

        ProfileSpec red = ProfileSpec.load(home, "redundancy");

        assertThat(red.ruleFolders()).as("no election, no replication: rules/pair is not its")
                .containsExactly(home.resolve("rules/common"), home.resolve("rules/redundancy"));
        assertThat(red.routeFolders()).as("no replication, fencing or forwarded swap: routes/pair is not its")
                .containsExactly(home.resolve("routes/common"), home.resolve("routes/redundancy"));
        assertThat(red.scenarios()).isEqualTo(home.resolve("samples/redundancy/scenarios"));
        assertThat(red.scenarioFiles()).isNotEmpty();
        assertThat(red.transitions().initial()).isEqualTo(NodeState.WAIT);
        assertThat(red.transitions().table()).as("PRIM is never used").noneMatch(
                t -> t.from() == NodeState.PRIM || t.to() == NodeState.PRIM);
        assertThat(red.transitions().find(NodeState.SECOND, NodeState.ALONE).orElseThrow().why())
                .contains("switchover", "RED-9");
        assertThat(red.transitions().find(NodeState.ALONE, NodeState.SECOND))
                .as("a switched standby never becomes the standby again by itself").isEmpty();
    }

    @Test
    void aProfileWithoutADescriptorIsRefusedByName() throws IOException {
        descriptor("rules: [common]\n");

        ProfileException e = catchThrowableOfType(ProfileException.class, () -> ProfileSpec.load(tmp, "sbs"));

        assertThat(e.problems()).containsExactly(tmp.resolve("profiles/sbs.yaml")
                + ": profile sbs has no descriptor; the profiles with one: x");
    }

    @Test
    void everyProblemOfABadDescriptorIsReportedWithItsLineAndField() throws IOException {
        Path file = descriptor("""
                rules: [common, pairs]
                routes: [common]
                scenarios: samples/x/scenarios
                initial: WAIT
                transition: []
                transitions:
                  - from: WAIT
                    to: SECUND
                    why: join
                  - from: WAIT
                    to: ALONE
                    why: alone
                  - from: WAIT
                    to: ALONE
                    why: alone again
                  - from: ALONE
                    to: ALONE
                    why: stays
                  - from: ALONE
                    to: WAIT
                """);

        ProfileException e = catchThrowableOfType(ProfileException.class, () -> ProfileSpec.load(tmp, "x"));

        assertThat(e.problems()).containsExactly(
                file + ":1: rules[1]: folder " + tmp.resolve("rules/pairs") + " does not exist",
                file + ":3: scenarios: folder " + tmp.resolve("samples/x/scenarios") + " does not exist",
                file + ":5: transition: unknown field; did you mean \"transitions\"?",
                file + ":8: transitions[0].to: unknown state \"SECUND\"; did you mean SECOND?"
                        + " (the states: STOP, WAIT, ALONE, PRIM, SECOND)",
                file + ":13: transitions[2]: duplicate transition WAIT -> ALONE; line 10 already has it",
                file + ":16: transitions[3]: ALONE -> ALONE is no change of state",
                file + ":19: transitions[4].why: missing required field");
    }

    @Test
    void aStateTheInitialOneNeverLeadsToIsAnError() throws IOException {
        Files.createDirectories(tmp.resolve("samples/x/scenarios"));
        Path file = descriptor("""
                rules: [common]
                routes: [common]
                scenarios: samples/x/scenarios
                initial: WAIT
                transitions:
                  - from: WAIT
                    to: ALONE
                    why: alone
                  - from: STOP
                    to: WAIT
                    why: operator start
                """);

        ProfileException e = catchThrowableOfType(ProfileException.class, () -> ProfileSpec.load(tmp, "x"));

        assertThat(e.problems()).containsExactly(
                file + ":9: transitions: state STOP is never reached from the initial state WAIT");
    }

    @Test
    void aDescriptorThatIsNotYamlOrNotAMappingSaysWhere() throws IOException {
        Path file = descriptor("rules: [common\nroutes: [common]\n");
        ProfileException syntax = catchThrowableOfType(ProfileException.class, () -> ProfileSpec.load(tmp, "x"));
        assertThat(syntax.problems()).singleElement().asString().startsWith(file + ":2: YAML syntax error: ");

        descriptor("- rules\n");
        ProfileException list = catchThrowableOfType(ProfileException.class, () -> ProfileSpec.load(tmp, "x"));
        assertThat(list.problems()).containsExactly(file + ":1: must be a mapping with the keys rules, routes,"
                + " scenarios, initial, transitions");

        descriptor("rules: [common]\n");
        ProfileException missing = catchThrowableOfType(ProfileException.class, () -> ProfileSpec.load(tmp, "x"));
        assertThat(missing.problems()).containsExactly(
                file + ":1: routes: missing required field",
                file + ":1: scenarios: missing required field",
                file + ":1: initial: missing required field",
                file + ":1: transitions: missing required field");
    }

    /** {@code profiles/x.yaml} in a home that has rules/common and routes/common. */
    private Path descriptor(String text) throws IOException {
        Files.createDirectories(tmp.resolve("rules/common"));
        Files.createDirectories(tmp.resolve("routes/common"));
        Path file = Files.createDirectories(tmp.resolve("profiles")).resolve("x.yaml");
        Files.writeString(file, text);
        return file;
    }
}
