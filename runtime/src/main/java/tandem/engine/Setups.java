package tandem.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import tandem.config.Checker;
import tandem.config.NodeConfig;
import tandem.config.When;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.facts.Settings;

/** Builds what the engine needs from a node's configuration. */
public final class Setups {
    private Setups() {
    }

    public static EngineSetup of(NodeConfig c) {
        Map<String, ResourceSpec> resources = new LinkedHashMap<>();
        for (Checker ch : c.checkers()) {
            resources.put(ch.resource(), new ResourceSpec(ch.resource(), ch.critical(), ch.when() == When.ACTIVE));
        }
        // the witness only tells a dead peer from a cut link: never a reason to fail over by itself
        c.witness().ifPresent(w -> resources.put(w.resource(), new ResourceSpec(w.resource(), false, false)));
        Settings s = new Settings(c.node().id(), c.peer().id(), c.node().priority(),
                c.timings().failoverTimeout().toMillis(), c.timings().rise(), c.timings().fall(),
                c.witness().map(w -> w.resource()).orElse(null), c.replication().externalDatabase());
        return new EngineSetup(s, resources);
    }
}
