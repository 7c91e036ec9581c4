package tandem.reload;

import java.util.Map;
import tandem.config.NodeConfig;
import tandem.node.Assembly;
import tandem.node.Ports;
import tandem.node.Wiring;

/**
 * The beans a node's routes call, wired over inert ports and never started (no engine, no thread, no
 * port), as {@code tandem check} binds them: what a candidate's routes are checked against in these tests.
 */
final class InertBeans implements AutoCloseable {
    private final Wiring wiring;

    InertBeans(NodeConfig c) {
        wiring = Assembly.of(tandem.sim.SimFixtures.home(), c).wire(Ports.inert(c), null);
    }

    Map<String, Object> asMap() {
        return wiring.beans();
    }

    @Override
    public void close() {
        wiring.close();
    }
}
