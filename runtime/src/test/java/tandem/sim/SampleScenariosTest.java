package tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario shipped under {@code samples/<profile>/scenarios/} (and {@code samples/<profile>/<variant>/scenarios/},
 * e.g. the sample site's) runs through the simulation and
 * meets all its expectations. The files are found on disk when the tests run, so a new profile's
 * scenarios are covered without touching this class.
 */
class SampleScenariosTest {

    @TestFactory
    Stream<DynamicTest> everySampleScenarioPasses() {
        List<Path> files = SimFixtures.sampleScenarios();
        assertThat(files).as("scenario files under %s/samples/*/scenarios/", SimFixtures.home()).isNotEmpty();
        Path home = SimFixtures.home();
        // the shipped files do not change while the tests run: each profile's rules compile once
        Assembler assembler = new Assembler(home);
        return files.stream().map(f -> dynamicTest(home.relativize(f).toString(), f.toUri(), () -> {
            Scenario s = ScenarioParser.load(f);
            assertThat(s.description()).as("%s: description", f).isNotBlank();
            assertThat(s.expects()).as("%s: a sample scenario must check something (expect:)", f).isNotEmpty();

            SimFixtures.Run run = SimFixtures.run(s, assembler);

            assertThat(run.result().fatal()).as("%s stopped on a rules error\n%s", f, run.report()).isNull();
            assertThat(run.result().expectations()).as("%s: every expectation is checked", f)
                    .hasSameSizeAs(s.expects());
            assertThat(run.failed()).as("%s\n%s", f, run.report()).isEmpty();
            assertThat(run.result().passed()).as("%s\n%s", f, run.report()).isTrue();
        }));
    }
}
