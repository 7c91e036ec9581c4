package tandem.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import tandem.os.SystemCommands;
import tandem.config.NodeConfig;
import tandem.engine.ActionRegistry;
import tandem.engine.EngineLoop;
import tandem.node.ApiBean;
import tandem.node.EventLog;
import tandem.node.HeartbeatSender;
import tandem.node.NodeRuntime;
import tandem.node.ProbeRunner;
import tandem.node.RouteBeans;
import tandem.replication.Replication;
import tandem.replication.SyncException;
import tandem.routes.LoadedRoutes;
import tandem.routes.RouteSet;
import tandem.routes.RoutesException;

/** The route part of {@code tandem check}: the node's route folders loaded into a context that is never started. */
final class RouteCheck {
    private RouteCheck() {
    }

    record Outcome(List<String> problems, int files, int routes) {
    }

    static Outcome check(Path home, NodeConfig c) {
        List<Path> dirs = NodeRuntime.routeFolders(home, c);
        // the beans the running node binds, created but never started: no engine, no thread runs
        EngineLoop loop = new EngineLoop(c.node().id(), () -> {
            throw new IllegalStateException("check starts no engine");
        });
        Clock clock = Clock.systemUTC();
        Replication replication = new Replication(c, loop::status, o -> { }, n -> { }, request -> {
            throw new SyncException("check sends nothing");
        }, new SystemCommands(), clock);
        RouteBeans beans = new RouteBeans(loop, new ActionRegistry(clock::millis),
                new ProbeRunner(c, List.of(), List::of, loop::status, clock),
                new HeartbeatSender(c, loop::status, hb -> false, clock),
                new ApiBean(c, loop, new EventLog(c.node().id(), clock), replication::statusView),
                replication.routeBeans(java.util.Optional.empty()));
        // loaded into a context that is never started: nothing registers in JMX, no port opens
        try (LoadedRoutes routes = RouteSet.load("tandem-" + c.node().id(), dirs, beans.asMap(),
                NodeRuntime.properties(c))) {
            return new Outcome(List.of(), RouteSet.files(dirs).size(), routes.routeIds().size());
        } catch (RoutesException e) {
            return new Outcome(e.problems(), 0, 0);
        } finally {
            loop.close();
        }
    }
}
