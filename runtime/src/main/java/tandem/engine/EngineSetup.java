package tandem.engine;

import java.util.List;
import java.util.Map;
import tandem.facts.Settings;

/**
 * What the engine needs from the node's configuration.
 *
 * @param settings    the values the rules read
 * @param resources   every resource a checker reports on, by name
 * @param transitions the profile's initial state and transition table ({@link ProfileSpec}), which
 *                    the engine enforces
 * @param facts       further configuration facts the profile's rules read, inserted at boot after the
 *                    settings (the redundancy profile's {@link tandem.facts.RedundancySettings})
 */
public record EngineSetup(Settings settings, Map<String, ResourceSpec> resources, Transitions transitions,
                          List<Object> facts) {

    public EngineSetup {
        resources = Map.copyOf(resources);
        java.util.Objects.requireNonNull(transitions, "transitions");
        facts = List.copyOf(facts);
    }

    /** A setup whose rules read nothing but the settings. */
    public EngineSetup(Settings settings, Map<String, ResourceSpec> resources, Transitions transitions) {
        this(settings, resources, transitions, List.of());
    }

    /**
     * @param resource   {@code <type>.<name>}
     * @param critical   a failure on the active node leads to failover
     * @param activeOnly checked only while the managed services run (a process check means nothing on the standby)
     * @param peerHost   it probes the peer's host (the standby's ping and SSH probes of its active, RED-9):
     *                   it answers while that host runs and is reachable, whatever its Tandem does (what the
     *                   simulation models)
     */
    public record ResourceSpec(String resource, boolean critical, boolean activeOnly, boolean peerHost) {

        /** A resource of this node's own. */
        public ResourceSpec(String resource, boolean critical, boolean activeOnly) {
            this(resource, critical, activeOnly, false);
        }
    }
}
