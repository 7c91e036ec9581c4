package tandem.engine;

import java.util.Map;
import tandem.facts.Settings;

/**
 * What the engine needs from the node's configuration.
 *
 * @param settings    the values the rules read
 * @param resources   every resource a checker reports on, by name
 * @param transitions the profile's initial state and transition table ({@link ProfileSpec}), which
 *                    the engine enforces
 */
public record EngineSetup(Settings settings, Map<String, ResourceSpec> resources, Transitions transitions) {

    public EngineSetup {
        resources = Map.copyOf(resources);
        java.util.Objects.requireNonNull(transitions, "transitions");
    }

    /**
     * @param resource   {@code <type>.<name>}
     * @param critical   a failure on the active node leads to failover
     * @param activeOnly checked only while the managed services run (a process check means nothing on the standby)
     */
    public record ResourceSpec(String resource, boolean critical, boolean activeOnly) {
    }
}
