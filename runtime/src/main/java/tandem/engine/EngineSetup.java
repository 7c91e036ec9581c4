package tandem.engine;

import java.util.Map;
import tandem.facts.Settings;

/**
 * What the engine needs from the node's configuration.
 *
 * @param settings  the values the rules read
 * @param resources every resource a checker reports on, by name
 */
public record EngineSetup(Settings settings, Map<String, ResourceSpec> resources) {

    public EngineSetup {
        resources = Map.copyOf(resources);
    }

    /**
     * @param resource   {@code <type>.<name>}
     * @param critical   a failure on the active node leads to failover
     * @param activeOnly checked only while the managed services run (a process check means nothing on the standby)
     */
    public record ResourceSpec(String resource, boolean critical, boolean activeOnly) {
    }
}
