package tandem.reload;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tandem.actions.SystemCommands;
import tandem.config.NodeConfig;
import tandem.engine.ActionRegistry;
import tandem.engine.EngineLoop;
import tandem.node.ApiBean;
import tandem.node.EventLog;
import tandem.node.HeartbeatSender;
import tandem.node.ProbeRunner;
import tandem.node.RouteBeans;
import tandem.replication.Replication;
import tandem.replication.SyncException;

/**
 * The beans a node's routes call, created and never started (no engine, no thread, no port), as
 * {@code tandem check} binds them: what a candidate's routes are checked against in these tests.
 */
final class InertBeans implements AutoCloseable {
    private final EngineLoop loop;
    private final Map<String, Object> beans;

    InertBeans(NodeConfig c) {
        loop = new EngineLoop(c.node().id(), () -> {
            throw new IllegalStateException("these beans start no engine");
        });
        Clock clock = Clock.systemUTC();
        Replication replication = new Replication(c, loop::status, o -> { }, n -> { }, request -> {
            throw new SyncException("these beans send nothing");
        }, new SystemCommands(), clock);
        beans = new RouteBeans(loop, new ActionRegistry(clock::millis),
                new ProbeRunner(c, List.of(), List::of, loop::status, clock),
                new HeartbeatSender(c, loop::status, hb -> false, clock),
                new ApiBean(c, loop, new EventLog(c.node().id(), clock), replication::statusView),
                replication.routeBeans(Optional.empty())).asMap();
    }

    Map<String, Object> asMap() {
        return beans;
    }

    @Override
    public void close() {
        loop.close();
    }
}
