package tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenarios of one run compile a set of rule folders and read a set of route folders once. */
class AssemblerTest {

    @TempDir
    Path tmp;

    @Test
    void nodesWithTheSameFoldersShareTheirRules() {
        Assembler assembler = new Assembler(SimFixtures.home());

        Assembler.Parts node1 = assembler.node(SimFixtures.msSamples().resolve("node1.yaml"));
        Assembler.Parts node2 = assembler.node(SimFixtures.msSamples().resolve("node2.yaml"));
        Assembler.Parts again = assembler.node(SimFixtures.msSamples().resolve("node1.yaml"));

        assertThat(node2.rules()).isSameAs(node1.rules());
        assertThat(node2.catalogue()).isEqualTo(node1.catalogue());
        assertThat(again.config()).isSameAs(node1.config());
        assertThat(node1.routeFolders()).startsWith(SimFixtures.home().resolve("routes/common"));
        assertThat(node1.catalogue().commands()).containsKey("swap");
    }

    @Test
    void otherFoldersAreCompiledAndReadOnTheirOwn() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  routes: [site-routes]\n");
        SimFixtures.write(tmp.resolve("site/site-routes/page.camel.yaml"), """
                - route:
                    id: action-page-oncall
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:action-page-oncall
                      steps:
                        - to:
                            uri: "log:site"
                """);
        Assembler assembler = new Assembler(SimFixtures.home());

        Assembler.Parts shipped = assembler.node(SimFixtures.msSamples().resolve("node1.yaml"));
        Assembler.Parts site = assembler.node(tmp.resolve("site/node1.yaml"));

        // the rule folders are the same, the route folders are not
        assertThat(site.rules()).isSameAs(shipped.rules());
        assertThat(site.catalogue()).isNotSameAs(shipped.catalogue());
        assertThat(site.catalogue().action("page-oncall")).isPresent();
        assertThat(shipped.catalogue().action("page-oncall")).isEmpty();
    }
}
