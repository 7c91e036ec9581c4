package tandem.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import tandem.config.NodeConfig;
import tandem.engine.ActionRegistry;
import tandem.engine.EngineLoop;
import tandem.routes.LoadedRoutes;
import tandem.routes.RouteSet;
import tandem.routes.RoutesException;

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
        Map<String, Object> beans = Map.of("engine", loop, "commands", loop,
                "actions", new ActionRegistry(System::currentTimeMillis));
        Properties props = new Properties();
        props.setProperty("tandem.check-interval-ms", Long.toString(c.timings().checkInterval().toMillis()));
        // loaded into a context that is never started: nothing registers in JMX, no timer fires
        try (LoadedRoutes routes = RouteSet.load("tandem-" + c.node().id(), dirs, beans, props)) {
            return new Outcome(List.of(), RouteSet.files(dirs).size(), routes.routeIds().size());
        } catch (RoutesException e) {
            return new Outcome(e.problems(), 0, 0);
        } finally {
            loop.close();
        }
    }
}
