package tandem.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checked route set in its CamelContext, not started yet (see {@link RouteSet#load}). Closing it
 * stops every route and unregisters the context's MBeans. While it runs, {@link #replace} swaps in
 * the set the folders hold now.
 */
public final class LoadedRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedRoutes.class);

    private final CamelContext context;
    private final Properties properties;
    private volatile List<ParsedRoutes.Route> routes;
    private RouteUnits units;

    LoadedRoutes(CamelContext context, List<RouteFile> files, ParsedRoutes parsed, Properties properties) {
        this.context = context;
        this.routes = List.copyOf(parsed.routes());
        this.units = RouteUnits.of(files, parsed);
        this.properties = properties;
    }

    /** The context, named as given to {@link RouteSet#load}; its JMX names use that name. */
    public CamelContext context() {
        return context;
    }

    /** The route ids, in load order (folder by folder, file name, position in the file). */
    public List<String> routeIds() {
        return routes.stream().map(ParsedRoutes.Route::id).toList();
    }

    /**
     * Starts the context and with it every route (except one a file marks {@code autoStartup: false}).
     *
     * @throws RoutesException when a route or the context cannot start (a port in use, a JMX name
     *                         already registered), naming the route's file and line where known
     */
    public void start() throws RoutesException {
        try {
            context.start();
        } catch (RuntimeException e) {
            throw new RoutesException(List.of(describe(e, routes, null)));
        }
    }

    /**
     * Replaces the running routes of this set with what {@code folders} hold now, checked as
     * {@link RouteSet#load} checks them, with the same placeholder values. Only what
     * changed is touched: a route whose text (or routeConfiguration) changed is stopped and started
     * anew, a new one started, one no file holds any more stopped; every other route keeps running, as
     * do the routes other code added to the context (the peer link's). A queue between routes (a
     * {@code seda:} lane) belongs to the context, not to its consumer, so what waits on it is taken by
     * the new consumer.
     *
     * <p>Nothing is half-done: when the new set has a problem nothing is touched; when a route to be
     * stopped carries an exchange at that moment (an action on its lane, the very request asking for
     * the reload) the swap is refused, as Camel would otherwise wait for that exchange; when a new
     * route cannot be created or started, the old ones are put back. Call it from one thread at a time.
     *
     * @param checkBeans the beans the routes call, by the names the running context has them bound, but
     *                   instances made for the check: the check's throwaway context takes over a Camel
     *                   component it is given and stops it when it closes, which must not befall the
     *                   running context's own (e.g. the HTTP API's)
     * @throws RoutesException every problem, {@code FILE:LINE: message}
     */
    public synchronized RouteChanges replace(List<Path> folders, Map<String, Object> checkBeans) throws RoutesException {
        Problems problems = new Problems();
        List<RouteFile> files = RouteSet.read(folders, problems);
        ParsedRoutes parsed = RouteSet.check(context.getName(), files, checkBeans, properties, problems);
        if (!problems.isEmpty()) {
            throw new RoutesException(problems.lines());
        }
        RouteUnits next = RouteUnits.of(files, parsed);
        RouteUnits before = units;

        Set<String> configurations = new TreeSet<>();
        for (String id : union(before.configurationIds(), next.configurationIds())) {
            if (!before.sameConfiguration(id, next)) {
                configurations.add(id);
            }
        }
        Set<String> added = new TreeSet<>();
        Set<String> replaced = new TreeSet<>();
        Set<String> removed = new TreeSet<>();
        for (String id : before.routeIds()) {
            if (!next.routeIds().contains(id)) {
                removed.add(id);
            }
        }
        for (String id : next.routeIds()) {
            if (!before.routeIds().contains(id)) {
                added.add(id);
            } else if (!before.unitOfRoute(id).canonical().equals(next.unitOfRoute(id).canonical())
                    || next.configurationsOf(id).stream().anyMatch(configurations::contains)
                    || before.configurationsOf(id).stream().anyMatch(configurations::contains)) {
                replaced.add(id);
            }
        }
        // a unit is loaded whole: what else it holds is replaced with it
        Set<RouteUnits.Unit> load = new LinkedHashSet<>();
        for (String id : union(added, replaced)) {
            load.add(next.unitOfRoute(id));
        }
        for (String id : configurations) {
            if (next.unitOfConfiguration(id) != null) {
                load.add(next.unitOfConfiguration(id));
            }
        }
        Set<String> dropConfigurations = new TreeSet<>();
        for (RouteUnits.Unit u : load) {
            u.routes().stream().filter(before.routeIds()::contains).forEach(replaced::add);
            u.configurations().stream().filter(before.configurationIds()::contains).forEach(dropConfigurations::add);
        }
        configurations.stream().filter(before.configurationIds()::contains).forEach(dropConfigurations::add);
        Set<String> stop = union(replaced, removed);
        RouteChanges changes = new RouteChanges(List.copyOf(added), List.copyOf(replaced), List.copyOf(removed),
                List.copyOf(configurations), next.routeIds().size() - added.size() - replaced.size());
        if (changes.none()) {
            units = next;
            routes = List.copyOf(parsed.routes());
            return changes;
        }
        List<String> busy = new ArrayList<>();
        for (String id : stop) {
            int inFlight = context.getInflightRepository().size(id);
            if (inFlight > 0) {
                ParsedRoutes.Route r = before.route(id);
                busy.add(r.file() + (r.line() > 0 ? ":" + r.line() : "") + ": " + r.name() + " changed and carries "
                        + inFlight + " exchange(s) right now; a changed route is replaced only while it carries"
                        + " nothing: try again once it is done");
            }
        }
        if (!busy.isEmpty()) {
            throw new RoutesException(busy);
        }
        Set<RouteUnits.Unit> restore = new LinkedHashSet<>();
        stop.forEach(id -> restore.add(before.unitOfRoute(id)));
        dropConfigurations.forEach(id -> restore.add(before.unitOfConfiguration(id)));

        ModelCamelContext model = (ModelCamelContext) context;
        try {
            remove(model, stop, dropConfigurations);
            add(next.files(load));
        } catch (Exception e) {
            List<String> why = new ArrayList<>(List.of(describe(e, next.routes(), notStarted(next.routes(), added, replaced))));
            why.addAll(putBack(model, before, restore, union(added, replaced), configurations));
            throw new RoutesException(why);
        }
        units = next;
        routes = List.copyOf(parsed.routes());
        LOG.info("{}: routes replaced: {}", context.getName(), changes.summary());
        return changes;
    }

    /**
     * Adds (and so, in a started context, starts) the routes and routeConfigurations of {@code files}:
     * the configurations of all files first, as {@link ParsedRoutes#parse} does, so that every route
     * finds its own.
     */
    private void add(List<RouteFile> files) throws Exception {
        RoutesLoader loader = PluginHelper.getRoutesLoader(context);
        List<RoutesBuilder> builders = new ArrayList<>();
        for (RouteFile f : files) {
            builders.addAll(loader.findRoutesBuilders(f.resource()));
        }
        for (RoutesBuilder b : builders) {
            if (b instanceof RouteConfigurationBuilder c) {
                c.addRouteConfigurationsToCamelContext(context);
            }
        }
        for (RoutesBuilder b : builders) {
            b.addRoutesToCamelContext(context);
        }
    }

    /**
     * The first of the routes to start, in load order, that does not run: the one that failed when the
     * exception does not say (Camel reports a port in use without the route).
     */
    private String notStarted(List<ParsedRoutes.Route> order, Set<String> added, Set<String> replaced) {
        for (ParsedRoutes.Route r : order) {
            if ((added.contains(r.id()) || replaced.contains(r.id()))
                    && context.getRouteController().getRouteStatus(r.id()) != org.apache.camel.ServiceStatus.Started) {
                return r.id();
            }
        }
        return null;
    }

    /** Stops and removes the routes and routeConfigurations (of this set) named. */
    private static void remove(ModelCamelContext model, Set<String> routeIds, Set<String> configurationIds)
            throws Exception {
        for (String id : routeIds) {
            RouteDefinition d = model.getRouteDefinition(id);
            if (d != null) {
                model.removeRouteDefinition(d);
            } else if (model.getRoute(id) != null) {
                model.getRouteController().stopRoute(id);
                model.removeRoute(id);
            }
        }
        for (String id : configurationIds) {
            RouteConfigurationDefinition d = model.getRouteConfigurationDefinition(id);
            if (d != null) {
                model.removeRouteConfiguration(d);
            }
        }
    }

    /** After a failed swap: the new routes out, the old ones back as they were; what could not be put back, if anything. */
    private List<String> putBack(ModelCamelContext model, RouteUnits before, Set<RouteUnits.Unit> restore,
                                 Set<String> newRoutes, Set<String> newConfigurations) {
        try {
            remove(model, newRoutes, newConfigurations);
            add(before.files(restore));
            LOG.warn("{}: the new routes could not start; the previous ones run again", context.getName());
            return List.of();
        } catch (Exception e) {
            LOG.error("{}: the new routes could not start and the previous ones could not be put back", context.getName(), e);
            return List.of("the previous routes could not be put back either (" + describe(e, before.routes(), null)
                    + "); restart the node");
        }
    }

    private static <T extends Comparable<T>> Set<T> union(java.util.Collection<T> a, java.util.Collection<T> b) {
        Set<T> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    @Override
    public void close() {
        context.shutdown();
    }

    /** The error as {@code FILE:LINE: route "id" cannot start: why}, for the route the error names, else {@code suspect}. */
    private String describe(Exception error, List<ParsedRoutes.Route> routes, String suspect) {
        String routeId = null;
        for (Throwable t = error; t != null && routeId == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FailedToStartRouteException failed) {
                routeId = failed.getRouteId();
            } else if (t instanceof FailedToCreateRouteException failed) {
                routeId = failed.getRouteId();
            }
        }
        if (routeId == null) {
            routeId = suspect;
        }
        String message = Causes.message(error);
        for (ParsedRoutes.Route route : routes) {
            if (route.id() != null && route.id().equals(routeId)) {
                Path file = route.file();
                String where = route.line() > 0 ? file + ":" + route.line() : file.toString();
                return where + ": " + route.name() + " cannot start: " + message;
            }
        }
        return "CamelContext " + context.getName() + " cannot start: " + message;
    }
}
