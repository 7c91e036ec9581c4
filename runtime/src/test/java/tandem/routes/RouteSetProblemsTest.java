package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken route files in temporary folders: each problem is reported as FILE:LINE: message, and
 * every problem of every file is reported at once.
 */
class RouteSetProblemsTest {
    private static final String ERRORS = """
            - routeConfiguration:
                id: tandem-errors
                onException:
                  - onException:
                      exception:
                        - java.lang.Exception
                      handled:
                        constant: "true"
            """;

    @TempDir
    Path temp;
    private Path base;
    private Path site;
    private final TestBeans doubles = new TestBeans();

    @BeforeEach
    void folders() throws IOException {
        base = Files.createDirectories(temp.resolve("base"));
        site = Files.createDirectories(temp.resolve("site"));
        write(base, "errors.camel.yaml", ERRORS);
    }

    @Test
    void soundFilesHaveNoProblems() throws IOException {
        Path file = write(site, "ok.camel.yaml", """
                # a comment first, as the real files have
                - route:
                    id: ok
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:ok
                      steps:
                        - bean:
                            ref: engine
                            method: tick
                """);

        assertThat(validate()).isEmpty();
        try (LoadedRoutes routes = RouteSet.load("tandem-node1", List.of(base, site), doubles.beans())) {
            assertThat(routes.routeIds()).containsExactly("ok");
        }
        assertThat(RouteSet.files(List.of(base, site))).containsExactly(base.resolve("errors.camel.yaml"), file);
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLine() throws IOException {
        Path file = write(site, "broken.camel.yaml", """
                - route:
                    id: broken
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:broken
                     steps:
                        - log: "x"
                """);

        assertThat(validate()).singleElement().asString()
                .startsWith(file + ":6: ")
                .contains("expected <block end>");
    }

    @Test
    void aRouteFileThatIsNotUtf8OrHasAControlCharacterIsReportedAtItsLine() throws IOException {
        Path latin1 = site.resolve("latin1.camel.yaml");
        Files.write(latin1, route("latin", "direct:latin", "- log: \"caf\u00e9\"").getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1));
        Path control = write(site, "control.camel.yaml", route("control", "direct:control", "- log: \"a\u0001\""));

        assertThat(validate()).containsExactly(
                control + ":7: the character U+0001 in column 18 is not allowed in YAML (only tabs, line ends and"
                        + " printable characters are)",
                latin1 + ":7: is not UTF-8 text: the byte 0xe9 in column 20 is not UTF-8; save the file as UTF-8");
    }

    @Test
    void aRouteFileOverTheSizeLimitIsRefusedWithItsSize() throws IOException {
        Path big = write(site, "big.camel.yaml", route("big", "direct:big", "- log: \"x\"") + "#".repeat(1 << 20) + "\n");

        assertThat(validate()).containsExactly(big + ": is " + Files.size(big) + " bytes; a route file is at most 1 MiB");
    }

    @Test
    void routeWithoutIdIsReported() throws IOException {
        Path file = write(site, "anonymous.camel.yaml", """
                - route:
                    routeConfigurationId: tandem-errors
                    from:
                      uri: seda:x
                      steps:
                        - log: "x"
                - from:
                    uri: direct:short-form
                    steps:
                      - log: "y"
                """);

        assertThat(validate()).containsExactly(
                file + ":1: route from \"seda:x\" has no id; every route needs one",
                file + ":7: route from \"direct:short-form\" has no id; every route needs one",
                file + ":7: route from \"direct:short-form\" names no routeConfiguration;"
                        + " add \"routeConfigurationId: tandem-errors\" so the shared error handler applies");
    }

    @Test
    void duplicateIdsNameBothFiles() throws IOException {
        Path first = write(site, "a.camel.yaml", route("twice", "direct:a", "- log: \"a\""));
        Path second = write(site, "b.camel.yaml", route("twice", "direct:b", "- log: \"b\""));

        assertThat(validate()).containsExactly(
                second + ":1: route id \"twice\" is already used at " + first + ":1; route ids must be unique");
    }

    @Test
    void unknownEipIsReportedAtItsLine() throws IOException {
        Path file = write(site, "eip.camel.yaml", route("eip", "direct:eip", "- frobnicate:\n    x: 1"));

        assertThat(validate()).containsExactly(file + ":7: Unknown node id: frobnicate (column 11)");
    }

    @Test
    void unknownKeyIsReportedAtItsLine() throws IOException {
        Path file = write(site, "key.camel.yaml", route("key", "direct:key", "- log:\n    mesage: hi"));

        assertThat(validate()).singleElement().asString()
                .startsWith(file + ":8: ")
                .contains("Unsupported field: mesage");
    }

    @Test
    void missingBeanIsReported() throws IOException {
        Path file = write(site, "bean.camel.yaml", route("needs-bean", "direct:bean", "- bean:\n    ref: nosuch"));

        assertThat(validate()).containsExactly(file + ":7: route \"needs-bean\" calls bean \"nosuch\","
                + " but no bean by that name is bound (bound: api, boot, checks, commands, console, engine, fencing, heartbeat, imports,"
                + " lanes, mail, netty-http, peer, reload, replication, rollback, services, standby-key, sync, tandem-api-server,"
                + " tandem-console-headers, tandem-sync-server, transfers, vip)");
    }

    @Test
    void missingBeanMethodIsReported() throws IOException {
        Path file = write(site, "method.camel.yaml", route("typo", "direct:m", "- bean:\n    ref: engine\n    method: tikc"));

        assertThat(validate()).singleElement().asString()
                .startsWith(file + ":7: route \"typo\" calls method \"tikc\" on bean \"engine\", but ")
                .endsWith("has no public method by that name");
    }

    @Test
    void overloadedBeanMethodMustSayWhichOne() throws IOException {
        Path file = write(site, "overload.camel.yaml",
                route("vague", "direct:v", "- bean:\n    ref: commands\n    method: submit")
                        + route("precise", "direct:p", "- bean:\n    ref: commands\n    method: \"submit(${body})\""));

        assertThat(validate()).containsExactly(file + ":7: route \"vague\" calls method \"submit\" on bean \"commands\","
                + " which has 3 public methods by that name; say which, e.g. \"submit(${body})\"");
    }

    @Test
    void missingFolderIsReported() {
        Path missing = temp.resolve("no-such-folder");

        assertThat(RouteSet.validate("tandem-node1", List.of(base, missing), doubles.beans()))
                .containsExactly(missing + ": route folder does not exist");
    }

    @Test
    void routeMustNameAnExistingRouteConfiguration() throws IOException {
        Path file = write(site, "config.camel.yaml", """
                - route:
                    id: no-config
                    from:
                      uri: direct:a
                      steps:
                        - log: "a"
                - route:
                    id: typo-config
                    routeConfigurationId: tandem-erors
                    from:
                      uri: direct:b
                      steps:
                        - log: "b"
                """);

        assertThat(validate()).containsExactly(
                file + ":1: route \"no-config\" names no routeConfiguration;"
                        + " add \"routeConfigurationId: tandem-errors\" so the shared error handler applies",
                file + ":7: route \"typo-config\" names routeConfiguration \"tandem-erors\", which no route file defines");
    }

    @Test
    void decisionsInRoutesAreReported() throws IOException {
        Path file = write(site, "choice.camel.yaml", route("decides", "direct:c", """
                - choice:
                    when:
                      - simple: "${body} > 100"
                        steps:
                          - log: "failover\""""));

        assertThat(validate()).containsExactly(file + ":7: route \"decides\" decides with \"choice\";"
                + " routes only carry bodies between beans, decisions belong in the rules");
    }

    @Test
    void camelsOwnCreationFailuresAreReportedForEveryRoute() throws IOException {
        Path file = write(site, "create.camel.yaml",
                route("bad-option", "timer:t?perod=5", "- log: \"x\"")
                        + route("no-property", "timer:u?period={{nope}}", "- log: \"y\""));

        assertThat(validate()).satisfiesExactly(
                first -> assertThat(first).startsWith(file + ":1: route \"bad-option\" cannot be created: ")
                        .contains("Unknown parameters=[{perod=5}]"),
                second -> assertThat(second).startsWith(file + ":8: route \"no-property\" cannot be created: ")
                        .contains("Property with key [nope] not found"));
    }

    @Test
    void placeholdersResolveFromTheGivenProperties() throws IOException {
        write(site, "timer.camel.yaml", route("ticks", "timer:t?period={{tick}}", "- log: \"x\""));
        Properties properties = new Properties();
        properties.setProperty("tick", "1000");

        assertThat(RouteSet.validate("tandem-node1", List.of(base, site), doubles.beans(), properties)).isEmpty();
    }

    @Test
    void commentOnlyFileHasNoRoutesAndNoProblem() throws IOException {
        write(site, "later.camel.yaml", "# routes for this profile come later\n");

        assertThat(validate()).isEmpty();
    }

    @Test
    void fileMustBeAList() throws IOException {
        Path file = write(site, "map.camel.yaml", """
                route:
                  id: not-in-a-list
                  from:
                    uri: direct:x
                """);

        assertThat(validate()).singleElement().asString()
                .startsWith(file + ":1: the file must be a YAML list of Camel DSL items");
    }

    @Test
    void everyProblemOfEveryFileIsListedAtOnceInFileOrder() throws IOException {
        Path missing = temp.resolve("missing");
        Path a = write(site, "a.camel.yaml", """
                - route:
                    id: a
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:a
                      steps:
                        - frobnicate: {}
                - route:
                    id: a2
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:a2
                      steps:
                        - log:
                            mesage: hi
                """);
        Path b = write(site, "b.camel.yaml", "- route:\n  id: [unclosed\n");
        Path c = write(site, "c.camel.yaml", route("c", "direct:c", "- bean:\n    ref: nosuch")
                + route("c", "direct:c2", "- log: \"dup\"")
                + "- from:\n    uri: seda:c\n    steps:\n      - log: \"x\"\n");

        List<String> problems = RouteSet.validate("tandem-node1", List.of(missing, base, site), doubles.beans());

        assertThat(problems).hasSize(8);
        assertThat(problems.get(0)).isEqualTo(missing + ": route folder does not exist");
        assertThat(problems.get(1)).isEqualTo(a + ":7: Unknown node id: frobnicate (column 11)");
        assertThat(problems.get(2)).startsWith(a + ":15: ").contains("Unsupported field: mesage");
        assertThat(problems.get(3)).startsWith(b + ":3: ");
        assertThat(problems).element(4).asString().startsWith(c + ":7: route \"c\" calls bean \"nosuch\"");
        assertThat(problems).element(5).asString().isEqualTo(
                c + ":9: route id \"c\" is already used at " + c + ":1; route ids must be unique");
        assertThat(problems).element(6).asString().isEqualTo(c + ":16: route from \"seda:c\" has no id; every route needs one");
        assertThat(problems).element(7).asString().startsWith(c + ":16: route from \"seda:c\" names no routeConfiguration");
    }

    @Test
    void loadThrowsEveryProblemAtOnce() throws IOException {
        write(site, "a.camel.yaml", route("a", "direct:a", "- bean:\n    ref: nosuch"));
        write(site, "b.camel.yaml", route("b", "direct:b", "- frobnicate: {}"));
        List<String> expected = validate();

        assertThat(expected).hasSize(2);
        assertThatThrownBy(() -> RouteSet.load("tandem-node1", List.of(base, site), doubles.beans()))
                .isInstanceOfSatisfying(RoutesException.class, e -> {
                    assertThat(e.problems()).isEqualTo(expected);
                    assertThat(e).hasMessage("2 problems in the routes:\n" + String.join("\n", expected));
                });
    }

    private List<String> validate() {
        return RouteSet.validate("tandem-node1", List.of(base, site), doubles.beans());
    }

    /** A route in the form the real files use; {@code steps} are indented under {@code steps:} (line 7 on). */
    private static String route(String id, String from, String steps) {
        return "- route:\n"
                + "    id: " + id + "\n"
                + "    routeConfigurationId: tandem-errors\n"
                + "    from:\n"
                + "      uri: \"" + from + "\"\n"
                + "      steps:\n"
                + steps.indent(8);
    }

    private static Path write(Path folder, String name, String text) throws IOException {
        return Files.writeString(folder.resolve(name), text);
    }
}
