package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tandem.routes.RuleUses.Kind;
import tandem.routes.RuleUses.Use;

/** What the rules name against what the routes carry: errors at the rule, warnings at the route. */
class CatalogueCheckTest {
    private static final Path ROUTES = Path.of("routes", "common", "actions.camel.yaml");
    private static final Path RULES = Path.of("rules", "site.drl");
    private static final List<Path> FOLDERS = List.of(Path.of("routes", "common"));

    private static Catalogue catalogue(Map<String, Catalogue.Lane> lanes) {
        return new Catalogue(
                Map.of("vip-up", new Catalogue.Action("vip-up", "actions", ROUTES, 3, List.of()),
                        "resync", new Catalogue.Action("resync", "sync", ROUTES, 12, List.of())),
                Map.of("stop", new Catalogue.Command("stop", ROUTES, 20)),
                lanes);
    }

    private static final Map<String, Catalogue.Lane> LANES = Map.of(
            "actions", new Catalogue.Lane("actions", "seda:tandem-lane-actions?concurrentConsumers=1", ROUTES, 30),
            "sync", new Catalogue.Lane("sync", "seda:tandem-lane-sync", ROUTES, 40));

    @Test
    void everyNameUsedAndCarriedIsClean() {
        CatalogueCheck.Outcome out = CatalogueCheck.check(catalogue(LANES), List.of(
                new Use(Kind.ACTION, "vip-up", RULES, 7, "r"), new Use(Kind.ACTION, "resync", RULES, 8, "r"),
                new Use(Kind.COMMAND, "stop", RULES, 9, "r")), FOLDERS);

        assertThat(out.errors()).isEmpty();
        assertThat(out.warnings()).isEmpty();
    }

    @Test
    void aRuleThatReadsACommandsArgumentsAnswersItsRoute() throws Exception {
        Path drl = Path.of(CatalogueCheckTest.class.getResource("/tandem/commands/rules/standby-import.drl").toURI());
        Catalogue withImport = new Catalogue(Map.of(), Map.of("standby-import",
                new Catalogue.Command("standby-import", ROUTES, 20)), LANES);

        CatalogueCheck.Outcome out = CatalogueCheck.check(withImport, RuleUses.scan(List.of(drl)), FOLDERS);
        CatalogueCheck.Outcome without = CatalogueCheck.check(new Catalogue(Map.of(), Map.of(), LANES),
                RuleUses.scan(List.of(drl)), FOLDERS);

        assertThat(out.errors()).isEmpty();
        assertThat(out.warnings()).isEmpty();
        assertThat(without.errors()).hasSize(4).allSatisfy(e -> assertThat(e)
                .contains("answers command \"standby-import\", which no route offers"));
    }

    @Test
    void anActionOrCommandNoRouteCarriesIsAnErrorAtTheRulesLine() {
        CatalogueCheck.Outcome out = CatalogueCheck.check(catalogue(LANES), List.of(
                new Use(Kind.ACTION, "vip-up", RULES, 7, "Takes over"), new Use(Kind.ACTION, "vip-upp", RULES, 8, "Takes over"),
                new Use(Kind.ACTION, "resync", RULES, 9, null), new Use(Kind.COMMAND, "maintenance", RULES, 10, "Maint"),
                new Use(Kind.COMMAND, "stop", RULES, 11, "Stop")), FOLDERS);

        assertThat(out.errors()).containsExactly(
                RULES + ":8: rule \"Takes over\" names action \"vip-upp\", which no route carries (no route"
                        + " action-vip-upp in " + FOLDERS.get(0) + "); did you mean \"vip-up\"?",
                RULES + ":10: rule \"Maint\" answers command \"maintenance\", which no route offers (no route"
                        + " command-maintenance in " + FOLDERS.get(0) + ")");
    }

    @Test
    void aRouteNoRuleUsesIsAWarningAtTheRoutesLine() {
        CatalogueCheck.Outcome out = CatalogueCheck.check(catalogue(LANES),
                List.of(new Use(Kind.ACTION, "vip-up", RULES, 7, "r")), FOLDERS);

        assertThat(out.errors()).isEmpty();
        assertThat(out.warnings()).containsExactly(
                ROUTES + ":12: warning: route action-resync is not used: no rule names action \"resync\"",
                ROUTES + ":20: warning: route command-stop is not used: no rule answers command \"stop\"");
    }

    @Test
    void anActionOnALaneWithoutItsRouteOrALaneRouteOnAnotherEndpointIsAnError() {
        CatalogueCheck.Outcome out = CatalogueCheck.check(catalogue(Map.of("actions",
                        new Catalogue.Lane("actions", "seda:tandem-actions", ROUTES, 30))),
                List.of(new Use(Kind.ACTION, "vip-up", RULES, 7, "r"), new Use(Kind.ACTION, "resync", RULES, 8, "r"),
                        new Use(Kind.COMMAND, "stop", RULES, 9, "r")), FOLDERS);

        assertThat(out.errors()).containsExactlyInAnyOrder(
                ROUTES + ":12: route action-resync runs on lane \"sync\" (its group), but no route lane-sync takes"
                        + " that lane's requests from seda:tandem-lane-sync",
                ROUTES + ":30: route lane-actions takes its requests from \"seda:tandem-actions\"; a lane's route"
                        + " consumes seda:tandem-lane-actions, where the node sends them");
    }
}
