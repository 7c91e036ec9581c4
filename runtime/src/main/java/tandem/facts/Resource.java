package tandem.facts;

/**
 * A resource this node checks, as configured: inserted by the engine at boot, one per resource, so
 * that the rules can tell which results count when (classify.drl).
 *
 * @param name       {@code <type>.<name>}
 * @param critical   a failure of it on the active node leads to failover
 * @param activeOnly {@code when: active}: its checker means something only while the managed services run
 */
public record Resource(String name, boolean critical, boolean activeOnly) {
}
