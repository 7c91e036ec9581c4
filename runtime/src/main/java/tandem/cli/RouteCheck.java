package tandem.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import tandem.config.NodeConfig;
import tandem.engine.ActionRegistry;
import tandem.engine.EngineLoop;
import tandem.routes.RouteSet;

/** The route part of {@code tandem check}: the node's route folders loaded into a context that is never started. */
final class RouteCheck {
    private RouteCheck() {
    }

    record Outcome(List<String> problems, int files, int routes) {
    }

    /** The route folders of a node: {@code routes/common}, {@code routes/<profile>} when present, and the site's extras. */
    static List<Path> folders(Path home, NodeConfig c) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(home.resolve("routes").resolve("common"));
        Path profile = home.resolve("routes").resolve(c.node().profile().yamlName());
        if (Files.isDirectory(profile)) {
            dirs.add(profile);
        }
        dirs.addAll(c.extensions().routes());
        return dirs;
    }

    static Outcome check(Path home, NodeConfig c) {
        List<Path> dirs = folders(home, c);
        // the beans the running node binds, created but never started: no engine, no thread runs
        EngineLoop loop = new EngineLoop(c.node().id(), () -> {
            throw new IllegalStateException("check starts no engine");
        });
        try {
            Map<String, Object> beans = Map.of("engine", loop, "commands", loop, "actions", new ActionRegistry(System::currentTimeMillis));
            Properties props = new Properties();
            props.setProperty("tandem.check-interval-ms", Long.toString(c.timings().checkInterval().toMillis()));
            List<String> problems = RouteSet.validate("tandem-" + c.node().id(), dirs, beans, props);
            int files = 0;
            int routes = 0;
            for (Path d : dirs) {
                if (!Files.isDirectory(d)) {
                    continue;
                }
                try (Stream<Path> s = Files.list(d)) {
                    for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                        files++;
                        routes += (int) Files.readAllLines(f).stream().filter(l -> l.strip().startsWith("- route:")).count();
                    }
                } catch (java.io.IOException e) {
                    problems = new ArrayList<>(problems);
                    problems.add(d + ": cannot list: " + e.getMessage());
                }
            }
            return new Outcome(problems, files, routes);
        } finally {
            loop.close();
        }
    }
}
