package tandem.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;

/**
 * The route model of a set of files, added to a CamelContext that is not started (so nothing runs),
 * with the file each route and routeConfiguration came from.
 */
final class ParsedRoutes {
    /** One route and where it is written. */
    record Route(RouteDefinition definition, Path file) {
        /** The id as written (null if none); Camel only generates ids when the context starts. */
        String id() {
            return definition.getId();
        }

        /** Whether the file gives the route an id ({@code route: {id: ...}}), as opposed to Camel generating one. */
        boolean hasExplicitId() {
            return definition.hasCustomIdAssigned() && id() != null && !id().isBlank();
        }

        /** 1-based line of {@code - route:} (or of {@code from:} in the short form), 0 if unknown. */
        int line() {
            if (definition.getLineNumber() > 0) {
                return definition.getLineNumber();
            }
            FromDefinition from = definition.getInput();
            return from != null && from.getLineNumber() > 0 ? from.getLineNumber() : 0;
        }

        String from() {
            FromDefinition from = definition.getInput();
            if (from == null) {
                return "?";
            }
            return from.getEndpointUri() != null ? from.getEndpointUri() : String.valueOf(from.getUri());
        }

        /** How problems name the route: its id, or its input when it has none. */
        String name() {
            return hasExplicitId() ? "route \"" + id() + "\"" : "route from \"" + from() + "\"";
        }
    }

    /** One routeConfiguration and where it is written. */
    record Configuration(RouteConfigurationDefinition definition, Path file) {
        String id() {
            return definition.getId();
        }

        int line() {
            return Math.max(definition.getLineNumber(), 0);
        }
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<Configuration> configurations = new ArrayList<>();
    private boolean incomplete;

    List<Route> routes() {
        return routes;
    }

    List<Configuration> configurations() {
        return configurations;
    }

    /**
     * Whether some file could not be read as a whole: its routes and configurations are missing, so
     * checks that look across files (a referenced configuration exists) would only repeat that.
     */
    boolean incomplete() {
        return incomplete;
    }

    /**
     * Parses every file into {@code context}'s model: first the routeConfigurations of all files, then
     * the routes, as camel-main's RoutesConfigurer does. The order matters even before the context
     * starts: Camel applies the configurations to a route when the route is added to the model, so a
     * route added before its configuration silently runs without it.
     *
     * <p>A file that fails is reported with its line; when the failure is in the DSL rather than in
     * the YAML syntax, each top-level item of that file is parsed alone as well, so every broken item
     * of the file is reported, not the first.
     */
    static ParsedRoutes parse(CamelContext context, List<RouteFile> files, Problems problems) {
        ParsedRoutes parsed = new ParsedRoutes();
        RoutesLoader loader = PluginHelper.getRoutesLoader(context);
        Map<RouteFile, RouteYaml.Shape> shapes = new LinkedHashMap<>();
        Map<RouteFile, Collection<RoutesBuilder>> builders = new LinkedHashMap<>();
        for (RouteFile file : files) {
            try {
                RouteYaml.Shape shape = RouteYaml.shape(file);
                if (shape.blank()) {
                    continue;
                }
                if (shape.notAList() != null) {
                    problems.add(file.path(), shape.line(), shape.notAList());
                    parsed.incomplete = true;
                    continue;
                }
                shapes.put(file, shape);
                Collection<RoutesBuilder> fileBuilders = loader.findRoutesBuilders(file.resource());
                parsed.addConfigurations(context, file, fileBuilders);
                builders.put(file, fileBuilders);
            } catch (Exception e) {
                parsed.failed(file, shapes.get(file), e, problems);
            }
        }
        for (Map.Entry<RouteFile, Collection<RoutesBuilder>> entry : builders.entrySet()) {
            try {
                parsed.addRoutes(context, entry.getKey(), entry.getValue());
            } catch (Exception e) {
                parsed.failed(entry.getKey(), shapes.get(entry.getKey()), e, problems);
            }
        }
        return parsed;
    }

    private void failed(RouteFile file, RouteYaml.Shape shape, Exception error, Problems problems) {
        incomplete = true;
        if (shape != null && shape.splittable() && shape.itemLines().size() > 1 && !RouteYaml.isSyntax(error)) {
            reportEachItem(file, shape, error, problems);
        } else {
            RouteYaml.report(problems, file, error);
        }
    }

    private void addConfigurations(CamelContext context, RouteFile file, Collection<RoutesBuilder> builders)
            throws Exception {
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteConfigurationBuilder configurationBuilder) {
                configurationBuilder.addRouteConfigurationsToCamelContext(context);
                for (RouteConfigurationDefinition definition :
                        configurationBuilder.getRouteConfigurationCollection().getRouteConfigurations()) {
                    configurations.add(new Configuration(definition, file.path()));
                }
            }
        }
    }

    private void addRoutes(CamelContext context, RouteFile file, Collection<RoutesBuilder> builders) throws Exception {
        for (RoutesBuilder builder : builders) {
            builder.addRoutesToCamelContext(context);
            // read the builder's own collection, not the context's: it keeps a route whose id repeats one
            if (builder instanceof RouteBuilder routeBuilder) {
                for (RouteDefinition definition : routeBuilder.getRouteCollection().getRoutes()) {
                    routes.add(new Route(definition, file.path()));
                }
            }
        }
    }

    /** Parses each item of a file that failed as a whole in a scratch context, reporting each broken one. */
    private static void reportEachItem(RouteFile file, RouteYaml.Shape shape, Exception whole, Problems problems) {
        int found = 0;
        DefaultCamelContext scratch = new DefaultCamelContext();
        scratch.disableJMX();
        try {
            RoutesLoader loader = PluginHelper.getRoutesLoader(scratch);
            ParsedRoutes ignored = new ParsedRoutes();
            for (int i = 0; i < shape.itemLines().size(); i++) {
                try {
                    Collection<RoutesBuilder> itemBuilders =
                            loader.findRoutesBuilders(file.resource(RouteYaml.item(file, shape, i)));
                    ignored.addConfigurations(scratch, file, itemBuilders);
                    ignored.addRoutes(scratch, file, itemBuilders);
                } catch (Exception e) {
                    RouteYaml.report(problems, file, e);
                    found++;
                }
            }
        } finally {
            scratch.shutdown();
        }
        if (found == 0) {
            // the items only fail together (a YAML anchor used across items, say): report the whole
            RouteYaml.report(problems, file, whole);
        }
    }
}
