package tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tandem.sim.SimFixtures;

/** {@code tandem} as a user runs it: exit status, what goes to stdout and what to stderr. */
class MainTest {

    private static final Pattern TEXT_LINE = Pattern.compile("^\\s*\\d+\\.\\d{3} \\S+ (state|data|action|log|mail) .*");

    @TempDir
    Path tmp;

    /** One run of the command line. */
    /**
     * What the command printed; {@code err} without the warning about the samples' cluster secret, which every
     * check of a sample prints ({@code sampleSecretWarnings} counts it; one test looks at it).
     */
    record Cli(int status, String out, String err, int sampleSecretWarnings) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    static Cli tandem(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        String all = err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
        StringBuilder rest = new StringBuilder();
        int warnings = 0;
        for (String line : all.split("(?<=\n)")) {
            if (line.contains(": cluster.secret: warning: this is the shipped samples' secret")) {
                warnings++;
            } else {
                rest.append(line);
            }
        }
        return new Cli(status, out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"), rest.toString(), warnings);
    }

    private static String sample(String relative) {
        return SimFixtures.home().resolve(relative).toString();
    }

    // --- check -----------------------------------------------------------------------------------

    @Test
    void checkWarnsOfTheSamplesSecretAndOfAShortOneWithoutShowingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Cli sampled = tandem("check", "--config", sample("samples/ms-failover/node1.yaml"));
        assertThat(sampled.status()).as(sampled.toString()).isZero();
        assertThat(sampled.sampleSecretWarnings()).isEqualTo(1);

        // the sample's configuration as it is, beside a secret file of the site's (it reads ${file:cluster.secret})
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("n.yaml"), java.nio.file.Files.readString(
                java.nio.file.Path.of(sample("samples/ms-failover/node1.yaml"))));
        java.nio.file.Files.writeString(dir.resolve("cluster.secret"), "short-site-secret-12345\n");
        Cli shortOne = tandem("check", "--config", config.toString());
        assertThat(shortOne.status()).as(shortOne.toString()).isZero();
        assertThat(shortOne.errLines()).containsExactly(config + ": cluster.secret: warning: 23 characters; 32 or more"
                + " random ones are advised (it keys every peer-link frame and the command line's API tokens)");
        assertThat(shortOne.err()).doesNotContain("short-site-secret");

        java.nio.file.Files.writeString(dir.resolve("cluster.secret"), "Zm9vYmFyLXNpdGUtc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=\n");
        Cli strong = tandem("check", "--config", config.toString());
        assertThat(strong.err()).as(strong.toString()).isEmpty();
        assertThat(strong.sampleSecretWarnings()).isZero();
    }

    @Test
    void checkOfTheSampleSiteListsWhatTheSiteChangedAndItsActionsAndCommands() {
        String config = sample("samples/ms-failover/site/node1.yaml");

        Cli r = tandem("check", "--config", config);

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        String site = sample("samples/ms-failover/site/rules/site.drl");
        assertThat(r.outLines()).as(r.toString())
                .contains("site rules: 1 replaced, 0 disabled, 5 added")
                .anyMatch(l -> l.equals("  replaced \"Secondary takes over when the primary is silent\": "
                        + sample("rules/ms-failover/failover.drl") + ":14 -> " + site + ":14"))
                .anyMatch(l -> l.startsWith("actions: ") && l.contains("mail-takeover") && l.contains("mail-resource-failed"))
                .anyMatch(l -> l.startsWith("commands: ") && l.endsWith(", maintenance, maintenance-end"));
    }

    /** Every node configuration shipped under samples/ (a YAML file with a top-level node: section). */
    static java.util.stream.Stream<String> sampleConfigs() throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(SimFixtures.home().resolve("samples"))) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().contains("/scenarios/"))
                    .filter(f -> read(f).lines().anyMatch(l -> l.equals("node:")))
                    .map(f -> SimFixtures.home().relativize(f).toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("sampleConfigs")
    void everySampleConfigPassesCheckAndOnOneMachineNamesThePeersConsolePort(String config) throws Exception {
        Cli r = tandem("check", "--config", sample(config));

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith(sample(config) + ": ok, node ");
        tandem.config.NodeConfig c = tandem.config.ConfigLoader.load(Path.of(sample(config)));
        if (java.net.InetAddress.getByName(c.peer().address()).isLoopbackAddress()) {
            assertThat(c.peer().consolePort()).as("%s: both nodes on one machine need peer.console-port", config)
                    .isPresent().get().isNotEqualTo(c.console().port());
            Path profileFolder = SimFixtures.home().resolve(config).getParent();
            while (!profileFolder.getParent().getFileName().toString().equals("samples")) {
                profileFolder = profileFolder.getParent();
            }
            try (var files = java.nio.file.Files.walk(profileFolder)) {
                List<Integer> peersPorts = files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().contains("/scenarios/"))
                        .filter(f -> read(f).lines().anyMatch(l -> l.equals("node:")))
                        .map(tandem.config.ConfigLoader::load).filter(p -> p.node().id().equals(c.peer().id()))
                        .map(p -> p.console().port()).toList();
                assertThat(peersPorts).as("%s: the console.port of the sample's %s", config, c.peer().id())
                        .contains(c.peer().consolePort().get());
            }
        }
    }

    @Test
    void theLoopbackSbsPairRunsOnOneMachineWithoutRootSystemdOrFoldersOutsideItsOwn() {
        Path folder = SimFixtures.home().resolve("samples/sbs/loopback");
        tandem.config.NodeConfig n1 = tandem.config.ConfigLoader.load(folder.resolve("node1.yaml"));
        tandem.config.NodeConfig n2 = tandem.config.ConfigLoader.load(folder.resolve("node2.yaml"));

        for (tandem.config.NodeConfig c : List.of(n1, n2)) {
            String id = c.node().id();
            assertThat(c.node().profile().yamlName()).isEqualTo("sbs");
            assertThat(List.of(c.listen().address(), c.peer().address(), c.mail().orElseThrow().host()))
                    .as("%s: loopback only", id).containsOnly("127.0.0.1");
            assertThat(c.services()).as("%s: no systemd or Windows service", id).isNotEmpty()
                    .allMatch(s -> s.type() == tandem.config.ServiceType.PROCESS);
            for (tandem.config.Service s : c.services()) {
                Matcher cp = Pattern.compile("-cp (\\S+) (\\S+)").matcher(s.command().orElseThrow());
                assertThat(cp.find()).as(s.command().orElseThrow()).isTrue();
                assertThat(folder.resolve(cp.group(1)).resolve(cp.group(2).replace('.', '/') + ".class"))
                        .as("%s: the service's class, from the node file's folder", id).isRegularFile();
            }
            for (tandem.config.Folder f : c.replication().folders()) {
                assertThat(List.of(f.path(), f.target().orElseThrow())).as("%s: its folders beside the node file", id)
                        .allMatch(p -> p.startsWith(folder.resolve("data")));
            }
            assertThat(c.replication().folders()).as("%s: the folders of the main server ship with the sample", id)
                    .filteredOn(f -> f.path().startsWith(folder.resolve("data/node1")))
                    .allMatch(f -> java.nio.file.Files.isDirectory(f.path()));
        }
        assertThat(n1.replication().folders()).extracting(f -> f.target().orElseThrow())
                .as("what node1 pushes lands in node2's folders").containsExactlyElementsOf(
                        n2.replication().folders().stream().map(tandem.config.Folder::path).toList());
        assertThat(n2.replication().folders()).extracting(f -> f.target().orElseThrow())
                .containsExactlyElementsOf(n1.replication().folders().stream().map(tandem.config.Folder::path).toList());
        assertThat(List.of(n1.listen().port(), n1.listen().port() + 2, n1.console().port(), n2.listen().port(),
                n2.listen().port() + 2, n2.console().port(), appPort(n1), appPort(n2)))
                .as("no port used twice on the one machine").doesNotHaveDuplicates();
        assertThat(n1.peer().port()).isEqualTo(n2.listen().port());
        assertThat(n2.peer().port()).isEqualTo(n1.listen().port());
    }

    private static int appPort(tandem.config.NodeConfig c) {
        Matcher m = Pattern.compile("--port (\\d+)").matcher(c.services().get(0).command().orElseThrow());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void checkOfTheSampleConfigIsOk() {
        String config = sample("samples/ms-failover/node1.yaml");

        Cli r = tandem("check", "--config", config);

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        List<String> lines = r.outLines();
        assertThat(lines).as(r.toString()).hasSize(6);
        assertThat(lines.get(0)).isEqualTo(config + ": ok, node node1 (profile ms-failover, peer node2)");
        Matcher rules = Pattern.compile("rules: (\\d+) files, (\\d+) rules").matcher(lines.get(1));
        assertThat(rules.matches()).as(lines.get(1)).isTrue();
        assertThat(Integer.parseInt(rules.group(1))).isPositive();
        assertThat(Integer.parseInt(rules.group(2))).isPositive();
        assertThat(lines.get(2)).matches("routes: \\d+ files, \\d+ routes");
        assertThat(lines.get(3)).startsWith("actions: start-services, stop-services, vip-up,")
                .contains("vip-takeover").endsWith(" (lanes: actions, sync)");
        assertThat(lines.get(4)).isEqualTo("commands: start, stop, swap, boot-start-on, boot-start-off, force-start,"
                + " sync, test-mail, reload");
        assertThat(lines.get(5)).isEqualTo("replication: as the standby this node writes the active node's folders"
                + " only into its own 2 folder(s) (path or target); any other folder is refused");
    }

    /** A site rule folder with one rule, as {@code extensions.rules} of copies of the sample configs. */
    private Path siteRule(String when, String then) {
        return SimFixtures.write(tmp.resolve("site-rules/site.drl"), """
                package site.rules;

                import tandem.facts.*;

                rule "Site rule"
                when
                    %s
                then
                    %s
                end
                """.formatted(when, then));
    }

    @Test
    void checkRefusesARuleThatNamesAnActionNoRouteCarriesWithFileAndLine() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  rules: [../site-rules]\n");
        Path drl = siteRule("ResourceFailed($r : resource)",
                "insert(Decision.by(drools).act(\"vip-up\",\n            \"mail-resource-failed\").because($r + \" failed\"));");
        Path config = tmp.resolve("site/node1.yaml");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.toString()).containsExactly(
                drl + ":10: rule \"Site rule\" names action \"mail-resource-failed\", which no route carries (no route"
                        + " action-mail-resource-failed in " + sample("routes/common") + ", " + sample("routes/pair") + ", "
                        + sample("routes/ms-failover")
                        + ")",
                config + ": 1 error(s)");
    }

    @Test
    void checkRefusesARuleThatAnswersACommandNoRouteOffers() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  rules: [../site-rules]\n");
        Path drl = siteRule("OperatorCommand(name == \"maintenanse\", $o : origin)",
                "insert(Decision.by(drools).accepts(\"maintenanse\").because(\"asked by \" + $o));");
        Path config = tmp.resolve("site/node1.yaml");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).as(r.toString()).hasSize(3)
                .anyMatch(l -> l.startsWith(drl + ":7: rule \"Site rule\" answers command \"maintenanse\", which no"
                        + " route offers (no route command-maintenanse in "))
                .anyMatch(l -> l.startsWith(drl + ":9: rule \"Site rule\" answers command \"maintenanse\""));
    }

    @Test
    void checkReportsARouteNoRuleUsesAsAWarningAndPasses() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  routes: [../site-routes]\n");
        Path routes = SimFixtures.write(tmp.resolve("site-routes/site.camel.yaml"), """
                - route:
                    id: action-site-export
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:action-site-export
                      steps:
                        - bean:
                            ref: services
                            method: "stop(${body})"
                - route:
                    id: command-maintenance
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:command-maintenance
                      steps:
                        - bean:
                            ref: commands
                            method: "submit('maintenance', ${header.origin})"
                """).toAbsolutePath().normalize();
        Path config = tmp.resolve("site/node1.yaml");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.errLines()).as(r.toString()).contains(
                routes + ":1: warning: route action-site-export is not used: no rule names action \"site-export\"",
                routes + ":10: warning: route command-maintenance is not used: no rule answers command \"maintenance\"");
    }

    @Test
    void checkSaysWhereTheStandbyMayWrite() {
        var none = new tandem.config.Replication(tandem.config.ReplicationMode.PERIODIC, java.time.Duration.ofMinutes(1),
                false, List.of());
        assertThat(Check.standbyWrites(none)).isEqualTo("replication: no folders and no allowed-roots here, so as the"
                + " standby this node refuses every folder the active node lists");
        var roots = new tandem.config.Replication(none.mode(), none.interval(), false, List.of(), none.preSync(),
                none.postTakeover(), none.port(), none.peerPort(), List.of(Path.of("/srv/extra"), Path.of("/srv/more")));
        assertThat(Check.standbyWrites(roots)).isEqualTo("replication: as the standby this node writes the active"
                + " node's folders only inside replication.allowed-roots /srv/extra, /srv/more; any other folder is"
                + " refused");
    }

    @Test
    void checkAcceptsTheOptionWithEqualsSign() {
        Cli r = tandem("check", "--config=" + sample("samples/ms-failover/node2.yaml"));

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains(": ok, node node2 (profile ms-failover, peer node1)");
    }

    @Test
    void checkOfABrokenConfigPrintsEveryErrorWithFileAndLine() {
        SimFixtures.copyConfigs(tmp, "");
        String text = read(tmp.resolve("node1.yaml"))
                .replace("priority: 100 ", "priority: 5000")
                .replace("  port: 7402", "  port: 70000")
                .replace("  rise: 2", "  rize: 2");
        Path bad = SimFixtures.write(tmp.resolve("bad.yaml"), text);
        int rize = text.lines().toList().indexOf("  rize: 2") + 1;

        Cli r = tandem("check", "--config", bad.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.toString()).containsExactly(
                bad + ":7: node.priority: must be 0..1000, got 5000",
                bad + ":17: peer.port: must be 1..65535, got 70000",
                bad + ":" + rize + ": timings.rize: unknown field; did you mean \"rise\"?",
                bad + ": 3 error(s); rules and routes not checked");
    }

    /** The line of {@code text} in {@code file} (1-based), or fails. */
    private static int lineOf(Path file, String text) {
        List<String> lines = List.of(read(file).split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(file + " has no line with " + text);
    }

    @Test
    void checkListsWhatTheSiteChangedAgainstTheShippedRulesAndWarnsOfACopy() {
        SimFixtures.copyConfigs(tmp.resolve("site"), """

                extensions:
                  rules: [../site-rules]
                  disable-rules: ["Alone node keeps running with a failed resource"]
                """);
        Path drl = SimFixtures.write(tmp.resolve("site-rules/site.drl"), """
                package site.rules;

                import tandem.facts.*;

                // the site's own wording, under the shipped rule's name: it replaces the shipped rule
                rule "Primary gives up when a critical resource stays down"
                when
                    LocalNode(state == NodeState.PRIM)
                    ResourceFailed($r : resource)
                    PeerAlive(state == NodeState.SECOND, uptodate)
                    not StopRequested()
                then
                    insert(new StopRequested("resource " + $r + " failed"));
                    insert(Decision.by(drools).to(NodeState.WAIT).data(DataState.NOT_UPTODATE).act("stop-services", "vip-down")
                            .because("resource " + $r + " is down: the secondary takes over (site rule)"));
                end

                // a copy of a shipped rule under a new name: both would decide the same
                rule "Site: alone node pairs up"
                when
                    LocalNode(state == NodeState.ALONE)
                    PeerAlive(state == NodeState.SECOND, uptodate)
                then
                    insert(Decision.by(drools).to(NodeState.PRIM)
                            .because("the secondary is uptodate; replication runs again"));
                end
                """).toAbsolutePath().normalize();
        Path config = tmp.resolve("site/node1.yaml");
        Path failover = SimFixtures.home().resolve("rules/pair/failover.drl");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(0)).isEqualTo(config + ": ok, node node1 (profile ms-failover, peer node2)");
        assertThat(lines.subList(2, 6)).as(r.toString()).containsExactly(
                "site rules: 1 replaced, 1 disabled, 1 added",
                "  replaced \"Primary gives up when a critical resource stays down\": " + failover + ":"
                        + lineOf(failover, "rule \"Primary gives up when a critical resource stays down\"") + " -> " + drl + ":6",
                "  disabled \"Alone node keeps running with a failed resource\": " + failover + ":"
                        + lineOf(failover, "rule \"Alone node keeps running with a failed resource\"") + " (" + config + ":"
                        + lineOf(config, "disable-rules") + ")",
                "  added \"Site: alone node pairs up\": " + drl + ":19");
        assertThat(r.errLines()).as(r.toString()).containsExactly(drl + ":19: warning: rule \"Site: alone node pairs up\""
                + " makes the same decision from the same facts as rule \"Alone node pairs up when the secondary is uptodate\" ("
                + failover + ":" + lineOf(failover, "rule \"Alone node pairs up when the secondary is uptodate\"") + ")");
    }

    @Test
    void checkRefusesADisabledRuleNoShippedRuleHasAtItsLineInTheConfig() {
        SimFixtures.copyConfigs(tmp.resolve("site"), """

                extensions:
                  disable-rules: ["Isolated primary steps dwon"]
                """);
        Path config = tmp.resolve("site/node1.yaml");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).as(r.toString()).containsExactly(
                config + ":" + lineOf(config, "disable-rules") + ": extensions.disable-rules[0]: no shipped rule is named"
                        + " \"Isolated primary steps dwon\"; did you mean \"Isolated primary steps down\"?",
                config + ": 1 error(s)");
    }

    @Test
    void checkGivesTheLineOfAnMvelErrorInASiteRule() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  rules: [../site-rules]\n");
        Path drl = SimFixtures.write(tmp.resolve("site-rules/typo.drl"), """
                package site.rules;

                import tandem.facts.*;

                rule "Site: mail when the secondary is back"
                when
                    LocalNode(state == NodeState.SECUND)
                then
                end
                """).toAbsolutePath().normalize();
        Path config = tmp.resolve("site/node1.yaml");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).as(r.toString()).containsExactly(
                drl + ":7: Unable to Analyse Expression state == NodeState.SECUND: [Error: unable to resolve method using"
                        + " strict-mode: tandem.facts.NodeState.SECUND()] (rule \"Site: mail when the secondary is back\")",
                config + ": 1 error(s)");
    }

    @Test
    void checkOfTheRedundancySamplesIsOkAndOffersTheSwitchover() {
        for (String node : List.of("active", "standby")) {
            String config = sample("samples/redundancy/" + node + ".yaml");

            Cli r = tandem("check", "--config", config);

            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.outLines().get(0)).as(r.toString()).startsWith(config + ": ok, node " + node
                    + " (profile redundancy, peer ");
            assertThat(r.outLines()).as(r.toString()).anySatisfy(l -> assertThat(l).startsWith("commands: ")
                    .contains("switchover"));
            assertThat(r.outLines()).as(r.toString()).anySatisfy(l -> assertThat(l).startsWith("actions: ")
                    .contains("mail-phones-restart"));
            // the pairs' routes (replication, fencing) are not loaded: nothing unused, no replication line
            assertThat(r.errLines()).as(r.toString()).isEmpty();
            assertThat(r.outLines()).as(r.toString()).noneMatch(l -> l.startsWith("replication: "));
        }
    }

    @Test
    void checkOfAMissingConfigFails() {
        Path missing = tmp.resolve("nope.yaml");

        Cli r = tandem("check", "--config", missing.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith(missing + ": ");
    }

    @Test
    void checkReportsADrlSyntaxErrorInAnExtensionFolderWithItsRealPathAndLine() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  rules: [../site-rules]\n");
        Path drl = SimFixtures.write(tmp.resolve("site-rules/broken.drl"), """
                package site.rules;

                import tandem.facts.LocalNode;

                rule "Broken"
                when
                    LocalNode(state == )
                then
                    System.out.println("never");
                end
                """);
        Path config = tmp.resolve("site/node1.yaml");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.toString()).anyMatch(l -> l.startsWith(drl.toAbsolutePath().normalize() + ":7: "));
        assertThat(r.errLines()).as("no error points into Drools' virtual file system")
                .noneMatch(l -> l.contains("src/main/resources"));
        assertThat(r.errLines().get(r.errLines().size() - 1)).startsWith(config + ": ").endsWith(" error(s)");
    }

    @Test
    void checkNamesARuleThatLoopsOnlyInPrimWithItsFile() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  rules: [../site-rules]\n");
        Path drl = SimFixtures.write(tmp.resolve("site-rules/announce.drl"), """
                package site.rules;

                import tandem.facts.*;

                rule "Announce the address at every cycle while primary"
                when
                    LocalNode(state == NodeState.PRIM)
                    Tick()
                then
                    insert(Decision.by(drools).act("vip-up").because("once more"));
                end
                """);
        Path config = tmp.resolve("site/node1.yaml");

        Cli r = tandem("check", "--config", config.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).as(r.toString()).anySatisfy(l -> assertThat(l)
                .startsWith(drl.toAbsolutePath().normalize() + ": rule \"Announce the address at every cycle while primary\"")
                .contains("action vip-up", "in state PRIM", "the rule loops"));
    }

    // --- simulate --------------------------------------------------------------------------------

    @Test
    void simulateOfAPassingSampleExitsZero() {
        String scenario = sample("samples/ms-failover/scenarios/primary-crash.yaml");

        Cli r = tandem("simulate", "--scenario", scenario);

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.outLines()).isNotEmpty().allSatisfy(l -> assertThat(l).matches(TEXT_LINE));
        assertThat(r.outLines()).anyMatch(l -> l.startsWith(
                "  149.000 node2 state SECOND -> ALONE  (rule \"Secondary takes over when the primary is silent\": "));
        assertThat(r.errLines()).as(r.toString()).allMatch(l -> l.endsWith(": ok") || l.startsWith(scenario + ": passed"));
        assertThat(r.errLines()).last().asString().matches("\\Q" + scenario + "\\E: passed, (\\d+) of \\1 expectations met");
    }

    @Test
    void simulateWithJsonPrintsOneObjectPerLine() throws Exception {
        Cli r = tandem("simulate", "--json", "--scenario", sample("samples/ms-failover/scenarios/normal-start.yaml"));

        assertThat(r.status()).as(r.toString()).isZero();
        ObjectMapper json = new ObjectMapper();
        assertThat(r.outLines()).isNotEmpty();
        for (String line : r.outLines()) {
            JsonNode o = json.readTree(line);
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as(line).containsExactly("t", "node", "kind", "from", "to", "action", "rule", "reason");
            assertThat(line).matches("^\\{\"t\":\\d+\\.\\d{3},.*\\}$");
        }
        assertThat(r.outLines().get(0)).startsWith("{\"t\":0.000,\"node\":\"node2\",\"kind\":\"log\",");
    }

    @Test
    void simulateWithAFailedExpectationExitsOneAndNamesIt() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("wrong.yaml"), """
                description: one expectation is wrong
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 30s
                expect:
                  - {at: 30s, node: node1, state: PRIM}
                  - {at: 30s, node: node2, state: ALONE}
                """);

        Cli r = tandem("simulate", "--scenario", scenario.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.outLines()).isNotEmpty();
        assertThat(r.errLines()).as(r.toString()).contains(
                "   30.000 expect node1 state PRIM: ok",
                "   30.000 expect node2 state ALONE: FAILED, was SECOND, uptodate, services stopped",
                scenario + ": FAILED, 1 of 2 expectations met");
    }

    @Test
    void simulateOfAScenarioWithErrorsExitsOneWithFileAndLine() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("broken.yaml"), """
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 5s, fail: {node: node1, resource: proc.nope}}
                  - {at: 10s, command: {node: node1, name: reboot}}
                """);

        Cli r = tandem("simulate", "--scenario", scenario.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.toString()).anyMatch(l -> l.startsWith(scenario + ":6: ") && l.contains("proc.nope"))
                .anyMatch(l -> l.startsWith(scenario + ":7: ") && l.contains("reboot"));
    }

    @Test
    void simulateOfAMissingScenarioExitsOne() {
        Cli r = tandem("simulate", "--scenario", tmp.resolve("missing.yaml").toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(tmp.resolve("missing.yaml").toString());
    }

    // --- usage -----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"help", "--help", "-h"})
    void helpPrintsUsageAndExitsZero(String arg) {
        Cli r = tandem(arg);

        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("usage: tandem").contains("check", "simulate");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"samples/ms-failover/node1.yaml", "samples/sbs/node1.yaml", "samples/redundancy/active.yaml",
            "samples/redundancy/standby.yaml"})
    void usageNamesEveryOperatorCommandOfEachProfileUnderItsProfile(String config) {
        tandem.config.NodeConfig c = tandem.config.ConfigLoader.load(Path.of(sample(config)));
        java.util.Set<String> commands = tandem.node.Assembly.of(SimFixtures.home(), c).catalogue().commands().keySet();
        String usage = tandem("help").out();
        String every = usage.substring(usage.indexOf("every profile:"), usage.indexOf("redundancy also:"));
        String redundancy = usage.substring(usage.indexOf("redundancy also:"), usage.indexOf("  check "));

        assertThat(commands).as(config).contains("start", "stop", "swap", "force-start", "sync", "test-mail");
        for (String name : commands) {
            String where = c.node().profile().yamlName().equals("redundancy") ? every + redundancy : every;
            assertThat(where).as("usage lists %s's command %s", config, name).containsPattern("[ :,]" + name + "(,|\\n)");
        }
        if (!c.node().profile().yamlName().equals("redundancy")) {
            assertThat(redundancy.substring("redundancy also:".length()).split("[,\\s]+"))
                    .as("the redundancy-only commands are no %s command", config)
                    .filteredOn(w -> !w.isEmpty()).noneMatch(commands::contains);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "version"})
    void versionPrintsTheProjectsVersionFromThePom(String arg) throws Exception {
        Cli r = tandem(arg);

        String pom = read(SimFixtures.home().resolve("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>tandem-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).as("the parent POM's version").isTrue();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("tandem " + m.group(1) + "\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void versionWithAnArgumentIsAUsageError() {
        Cli r = tandem("version", "--config", "x.yaml");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("tandem version: takes no arguments, got \"--config\"").contains("usage: tandem");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void noArgumentsIsAUsageError() {
        Cli r = tandem();

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("usage: tandem");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownVerbIsAUsageError() {
        Cli r = tandem("frobnicate", "--config", "x.yaml");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("unknown verb \"frobnicate\"").contains("usage: tandem");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingOptionIsAUsageError() {
        Cli check = tandem("check");
        Cli simulate = tandem("simulate", "--json");

        assertThat(check.status()).isEqualTo(2);
        assertThat(check.err()).contains("--config").contains("usage: tandem");
        assertThat(simulate.status()).isEqualTo(2);
        assertThat(simulate.err()).contains("--scenario").contains("usage: tandem");
    }

    @Test
    void optionWithoutValueIsAUsageError() {
        Cli r = tandem("check", "--config");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--config").contains("usage: tandem");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Cli r = tandem("simulate", "--scenario", sample("samples/ms-failover/scenarios/swap.yaml"), "--verbose");
        Cli wrongVerb = tandem("check", "--scenario", sample("samples/ms-failover/scenarios/swap.yaml"));

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option \"--verbose\"").contains("usage: tandem");
        assertThat(r.out()).isEmpty();
        assertThat(wrongVerb.status()).isEqualTo(2);
        assertThat(wrongVerb.err()).contains("--scenario");
    }

    private static String read(Path p) {
        try {
            return java.nio.file.Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
