package tandem.routes;

import java.util.List;

/**
 * What {@link LoadedRoutes#replace} changed in a running set, route ids sorted.
 *
 * @param added          routes that are new
 * @param replaced       routes whose text changed, or whose routeConfiguration did: stopped and started anew
 * @param removed        routes no file holds any more: stopped
 * @param configurations routeConfigurations added, changed or removed
 * @param unchanged      how many routes kept running untouched
 */
public record RouteChanges(List<String> added, List<String> replaced, List<String> removed, List<String> configurations,
                           int unchanged) {

    public RouteChanges {
        added = List.copyOf(added);
        replaced = List.copyOf(replaced);
        removed = List.copyOf(removed);
        configurations = List.copyOf(configurations);
    }

    /** Whether the set on disk is the set that runs. */
    public boolean none() {
        return added.isEmpty() && replaced.isEmpty() && removed.isEmpty() && configurations.isEmpty();
    }

    /** One line for an operator, e.g. {@code 1 added (action-mail), 1 replaced (command-stop), 24 unchanged}. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        part(sb, "added", added);
        part(sb, "replaced", replaced);
        part(sb, "removed", removed);
        if (!configurations.isEmpty()) {
            sb.append(configurations.size()).append(" routeConfiguration(s) changed (")
                    .append(String.join(", ", configurations)).append("), ");
        }
        return sb.append(unchanged).append(" unchanged").toString();
    }

    private static void part(StringBuilder sb, String what, List<String> ids) {
        if (!ids.isEmpty()) {
            sb.append(ids.size()).append(' ').append(what).append(" (").append(String.join(", ", ids)).append("), ");
        }
    }
}
