package tandem.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Shared test helpers for the simulation and the CLI tests: the installation directory, the sample
 * files, scratch copies of the sample configurations, and a scenario run with its output captured.
 */
public final class SimFixtures {
    /** Site rules that never stop firing: a simulation must stop them and name the rule. */
    public static final String LOOPING_RULES = """
            package site.rules;

            import tandem.facts.LocalNode;

            declare Spin
                n : int
            end

            rule "Start spinning"
            when
                LocalNode()
                not Spin()
            then
                insert(new Spin(0));
            end

            rule "Loop"
            when
                LocalNode()
                $s : Spin(n >= 0)
            then
                modify($s) { setN($s.getN() + 1) }
            end
            """;

    private SimFixtures() {
    }

    /** The project root (surefire sets {@code tandem.home}). */
    public static Path home() {
        String h = System.getProperty("tandem.home");
        if (h == null) {
            throw new IllegalStateException("system property tandem.home is not set (run the tests through Maven)");
        }
        return Path.of(h).toAbsolutePath().normalize();
    }

    public static Path msSamples() {
        return home().resolve("samples").resolve("ms-failover");
    }

    public static Path msScenario(String name) {
        return msSamples().resolve("scenarios").resolve(name);
    }

    /** Every {@code samples/<profile>/scenarios/*.yaml} on disk now, sorted. */
    public static List<Path> sampleScenarios() {
        Path samples = home().resolve("samples");
        List<Path> out = new ArrayList<>();
        try (Stream<Path> profiles = Files.list(samples)) {
            for (Path profile : profiles.filter(Files::isDirectory).sorted().toList()) {
                // the profile's own scenarios, then those of its sample variants and sites (e.g. site/scenarios)
                List<Path> dirs = new ArrayList<>(List.of(profile.resolve("scenarios")));
                try (Stream<Path> variants = Files.list(profile)) {
                    variants.filter(Files::isDirectory).sorted().map(v -> v.resolve("scenarios")).forEach(dirs::add);
                }
                for (Path dir : dirs) {
                    if (!Files.isDirectory(dir)) {
                        continue;
                    }
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(f -> f.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(f))
                                .sorted().forEach(out::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Copies the sample ms-failover node1.yaml, node2.yaml and cluster.secret (which the configs name
     * as {@code ${file:cluster.secret}}, relative to themselves) into {@code dir}, appending
     * {@code extra} to both configs.
     */
    public static void copyConfigs(Path dir, String extra) {
        try {
            Files.createDirectories(dir);
            Files.copy(msSamples().resolve("cluster.secret"), dir.resolve("cluster.secret"));
            for (String n : List.of("node1.yaml", "node2.yaml")) {
                String text = Files.readString(msSamples().resolve(n), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(n), text + extra, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one run produced: the result and every event as the sink saw it, in text and JSON. */
    public record Run(Simulation.Result result, List<String> text, List<String> json) {

        public String textOutput() {
            return String.join("\n", text) + "\n";
        }

        public String jsonOutput() {
            return String.join("\n", json) + "\n";
        }

        public List<Simulation.ExpectResult> failed() {
            return result.expectations().stream().filter(x -> !x.met()).toList();
        }

        /** Failed expectations, fatal error and the full text output, for assertion messages. */
        public String report() {
            return "failed expectations:\n"
                    + failed().stream().map(Simulation.ExpectResult::text).collect(Collectors.joining("\n"))
                    + (result.fatal() == null ? "" : "\nfatal: " + result.fatal())
                    + "\n--- output ---\n" + textOutput();
        }
    }

    public static Run run(Path scenarioFile) {
        return run(ScenarioParser.load(scenarioFile));
    }

    public static Run run(Scenario scenario) {
        return run(scenario, new Assembler(home()));
    }

    /** Runs {@code scenario} with what {@code assembler} compiled and read for earlier ones. */
    public static Run run(Scenario scenario, Assembler assembler) {
        List<String> text = new ArrayList<>();
        List<String> json = new ArrayList<>();
        Simulation.Result r = Simulation.prepare(scenario, assembler).run(e -> {
            text.add(e.text());
            json.add(e.json());
        });
        return new Run(r, List.copyOf(text), List.copyOf(json));
    }
}
