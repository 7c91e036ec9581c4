package tandem.routes;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;

/**
 * A checked route set in its CamelContext, not started yet (see {@link RouteSet#load}). Closing it
 * stops every route and unregisters the context's MBeans.
 */
public final class LoadedRoutes implements AutoCloseable {
    private final CamelContext context;
    private final List<ParsedRoutes.Route> routes;

    LoadedRoutes(CamelContext context, List<ParsedRoutes.Route> routes) {
        this.context = context;
        this.routes = List.copyOf(routes);
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
            throw new RoutesException(List.of(describe(e)));
        }
    }

    @Override
    public void close() {
        context.shutdown();
    }

    private String describe(RuntimeException error) {
        String routeId = null;
        for (Throwable t = error; t != null && routeId == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FailedToStartRouteException failed) {
                routeId = failed.getRouteId();
            } else if (t instanceof FailedToCreateRouteException failed) {
                routeId = failed.getRouteId();
            }
        }
        String message = Causes.message(error);
        for (ParsedRoutes.Route route : routes) {
            if (route.id().equals(routeId)) {
                Path file = route.file();
                String where = route.line() > 0 ? file + ":" + route.line() : file.toString();
                return where + ": " + route.name() + " cannot start: " + message;
            }
        }
        return "CamelContext " + context.getName() + " cannot start: " + message;
    }
}
