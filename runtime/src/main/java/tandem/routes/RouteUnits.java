package tandem.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The route files of a set cut into what a reload compares and loads one by one: each top-level list
 * item of a file ({@code - route:}, {@code - routeConfiguration:}), or the whole file where it cannot
 * be cut (a flow-style list, several YAML documents). Two versions of a unit are the same when their
 * YAML says the same (comments, layout and position in the file do not count), so a reload leaves
 * every route whose text did not change running.
 */
final class RouteUnits {

    /**
     * @param file           the file the unit is cut from
     * @param from           its first line (1-based)
     * @param to             the line after its last
     * @param canonical      what its YAML says: lists, maps and scalars, compared with equals
     * @param routes         the ids of the routes it holds
     * @param configurations the ids of the routeConfigurations it holds
     */
    record Unit(Path file, int from, int to, Object canonical, List<String> routes, List<String> configurations) {
        boolean holds(int line) {
            return line >= from && line < to;
        }
    }

    private final Map<Path, RouteFile> files = new LinkedHashMap<>();
    private final List<Unit> units = new ArrayList<>();
    private final Map<String, Unit> byRoute = new LinkedHashMap<>();
    private final Map<String, Unit> byConfiguration = new LinkedHashMap<>();
    private final Map<String, List<String>> configurationsOf = new LinkedHashMap<>();
    private final Map<String, ParsedRoutes.Route> routes = new LinkedHashMap<>();

    private RouteUnits() {
    }

    /** Cuts {@code files}, whose model {@code parsed} is (with every route's and configuration's file and line). */
    static RouteUnits of(List<RouteFile> files, ParsedRoutes parsed) {
        RouteUnits set = new RouteUnits();
        for (RouteFile file : files) {
            set.files.put(file.path(), file);
            List<ParsedRoutes.Route> fileRoutes = parsed.routes().stream().filter(r -> r.file().equals(file.path())).toList();
            List<ParsedRoutes.Configuration> fileConfigurations = parsed.configurations().stream()
                    .filter(c -> c.file().equals(file.path())).toList();
            List<Unit> cut = cut(file, fileRoutes, fileConfigurations);
            if (cut == null) {
                cut = List.of(new Unit(file.path(), 1, Integer.MAX_VALUE, load(file.text()),
                        fileRoutes.stream().map(ParsedRoutes.Route::id).toList(),
                        fileConfigurations.stream().map(ParsedRoutes.Configuration::id).toList()));
            }
            for (Unit u : cut) {
                set.units.add(u);
                u.routes().forEach(id -> set.byRoute.put(id, u));
                u.configurations().forEach(id -> set.byConfiguration.put(id, u));
            }
            for (ParsedRoutes.Route r : fileRoutes) {
                set.routes.put(r.id(), r);
                String refs = r.definition().getRouteConfigurationId();
                set.configurationsOf.put(r.id(), refs == null ? List.of()
                        : List.of(refs.split(",")).stream().map(String::strip).filter(x -> !x.isEmpty()).toList());
            }
        }
        return set;
    }

    /** One unit per list item, or null when the file cannot be cut so that each route and configuration falls in one. */
    private static List<Unit> cut(RouteFile file, List<ParsedRoutes.Route> routes,
                                  List<ParsedRoutes.Configuration> configurations) {
        RouteYaml.Shape shape = RouteYaml.shape(file);
        if (shape.blank() || !shape.splittable() || shape.itemLines().isEmpty()) {
            return shape.blank() ? List.of() : null;
        }
        List<Unit> out = new ArrayList<>();
        for (int i = 0; i < shape.itemLines().size(); i++) {
            int from = shape.itemLines().get(i) + 1;
            int to = i + 1 < shape.itemLines().size() ? shape.itemLines().get(i + 1) + 1 : Integer.MAX_VALUE;
            List<String> routeIds = routes.stream().filter(r -> r.line() >= from && r.line() < to)
                    .map(ParsedRoutes.Route::id).toList();
            List<String> configurationIds = configurations.stream().filter(c -> c.line() >= from && c.line() < to)
                    .map(ParsedRoutes.Configuration::id).toList();
            out.add(new Unit(file.path(), from, to, load(RouteYaml.item(file, shape, i)), routeIds, configurationIds));
        }
        int placed = out.stream().mapToInt(u -> u.routes().size() + u.configurations().size()).sum();
        return placed == routes.size() + configurations.size() ? out : null;
    }

    private static Object load(String text) {
        List<Object> documents = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(text).forEach(documents::add);
        return documents;
    }

    Collection<String> routeIds() {
        return routes.keySet();
    }

    Collection<String> configurationIds() {
        return byConfiguration.keySet();
    }

    Unit unitOfRoute(String id) {
        return byRoute.get(id);
    }

    Unit unitOfConfiguration(String id) {
        return byConfiguration.get(id);
    }

    /** The routeConfigurations the route names. */
    List<String> configurationsOf(String routeId) {
        return configurationsOf.getOrDefault(routeId, List.of());
    }

    ParsedRoutes.Route route(String id) {
        return routes.get(id);
    }

    List<ParsedRoutes.Route> routes() {
        return List.copyOf(routes.values());
    }

    /** Whether the routeConfiguration {@code id} says the same here as in {@code other} (missing in both counts as the same). */
    boolean sameConfiguration(String id, RouteUnits other) {
        Unit a = byConfiguration.get(id);
        Unit b = other.byConfiguration.get(id);
        return a == null ? b == null : b != null && Objects.equals(a.canonical(), b.canonical());
    }

    /**
     * The text of {@code chosen} units as files: each file's other lines blanked, so that Camel reports
     * and records the lines of the whole file.
     */
    List<RouteFile> files(Collection<Unit> chosen) {
        List<RouteFile> out = new ArrayList<>();
        for (RouteFile file : files.values()) {
            List<Unit> mine = units.stream().filter(u -> u.file().equals(file.path()) && chosen.contains(u)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            String[] lines = file.text().split("\r?\n", -1);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines.length; i++) {
                int line = i + 1;
                if (mine.stream().anyMatch(u -> u.holds(line))) {
                    text.append(lines[i]);
                }
                text.append('\n');
            }
            out.add(new RouteFile(file.path(), text.toString()));
        }
        return out;
    }
}
