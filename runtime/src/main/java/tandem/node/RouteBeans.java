package tandem.node;

import java.util.LinkedHashMap;
import java.util.Map;
import tandem.engine.ActionRegistry;
import tandem.engine.EngineLoop;

/**
 * The beans the routes call, by the names the route files use. {@code tandem run} binds live ones;
 * {@code tandem check} binds the same classes, created but never started, so that a route naming a
 * bean or method the runtime does not have fails the check and not the running node.
 */
public record RouteBeans(EngineLoop engine, ActionRegistry actions, ProbeRunner checks, HeartbeatSender heartbeat,
                         ApiBean api, Map<String, Object> replication) {

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", engine);
        m.put("commands", engine);
        m.put("actions", actions);
        m.put("checks", checks);
        m.put("heartbeat", heartbeat);
        m.put("api", api);
        m.put(ApiServer.BEAN, api.server());
        m.put("netty-http", new ApiHttpComponent());
        m.putAll(replication);
        return m;
    }
}
