package tandem.facts;

import java.util.List;

/**
 * Observed once, right after the engine booted: the managed services found running before this run
 * started any (a run killed while it was active leaves them behind, e.g. a process service it adopts).
 * Stays until a rule takes it: rules/pair/boot.drl stops them on a node that is not active.
 *
 * @param names the services found running, in configuration order; empty when none
 */
public record ServicesFound(List<String> names) {
    public ServicesFound {
        names = List.copyOf(names);
    }
}
