package tandem.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Loads the editable Camel YAML routes from disk ({@code routes/common}, {@code routes/<profile>}
 * and the folders a site adds) and checks them, reporting every problem as {@code FILE:LINE: message}.
 *
 * <p>How a set is checked, in one throwaway CamelContext that has JMX off and never starts a route:
 * <ol>
 *   <li>every {@code *.camel.yaml} is read once into memory (so the real load parses the same text)
 *       and parsed with Camel's YAML DSL; a broken file is reported with the line of the YAML
 *       parser's mark, and each list item of it is parsed alone so every broken route is reported;</li>
 *   <li>the model is checked for what Camel does not check, or checks only one route at a time when
 *       it creates them: explicit ids ({@code RouteDefinition#hasCustomIdAssigned}), unique ids
 *       across files, the shared error handler ({@value RouteChecks#ERROR_HANDLER}), bound beans and
 *       their methods, no {@code choice}/{@code filter};</li>
 *   <li>the context is started with {@code autoStartup=false} and the routes without a problem are
 *       created one by one, so Camel's own failures (unknown endpoint option, missing property
 *       placeholder, ...) are reported for every route, not only the first; created routes stay
 *       stopped: no timer fires, no consumer or port opens.</li>
 * </ol>
 *
 * <p>{@link #load} then parses the same text into the real context, named {@code contextName} with a
 * fixed JMX name (a clash with a running context of the same name fails instead of registering
 * {@code name-1}), and does not start it: {@link LoadedRoutes#start()} does. A reload replaces the
 * routes of a running set in place ({@link LoadedRoutes#replace}), so that the routes other code
 * added to the same context (the peer link's) keep running.
 *
 * <p>Property placeholders ({@code {{tandem.check-interval-ms}}}) resolve only from the given
 * properties: environment variables and system properties are not consulted, so {@code tandem check}
 * and {@code tandem run} resolve the same values on any machine.
 */
public final class RouteSet {
    private RouteSet() {}

    /** {@link #load(String, List, Map, Properties)} with no properties. */
    public static LoadedRoutes load(String contextName, List<Path> folders, Map<String, Object> beans)
            throws RoutesException {
        return load(contextName, folders, beans, new Properties());
    }

    /**
     * Creates a CamelContext named {@code contextName}, binds {@code beans} by name, loads every
     * {@code *.camel.yaml} directly in {@code folders} (folder by folder, each sorted by file name) and
     * checks them. No route is started and the context itself is not started.
     *
     * @throws RoutesException listing every problem at once
     */
    public static LoadedRoutes load(
            String contextName, List<Path> folders, Map<String, Object> beans, Properties properties)
            throws RoutesException {
        Problems problems = new Problems();
        List<RouteFile> files = read(folders, problems);
        check(contextName, files, beans, properties, problems);
        if (!problems.isEmpty()) {
            throw new RoutesException(problems.lines());
        }
        DefaultCamelContext context = newContext(contextName, beans, properties);
        // stable JMX names per node: "#name#" makes the name fixed, so a clash fails the start
        context.getManagementNameStrategy().setNamePattern("#name#");
        try {
            Problems again = new Problems();
            again.order(files.stream().map(RouteFile::path).toList());
            ParsedRoutes parsed = ParsedRoutes.parse(context, files, again);
            if (!again.isEmpty()) {
                // the same text parsed cleanly a moment ago; keep the promise to list problems anyway
                throw new RoutesException(again.lines());
            }
            return new LoadedRoutes(context, files, parsed, properties);
        } catch (RuntimeException e) {
            context.shutdown();
            throw e;
        }
    }

    /** {@link #validate(String, List, Map, Properties)} with no properties. */
    public static List<String> validate(String contextName, List<Path> folders, Map<String, Object> beans) {
        return validate(contextName, folders, beans, new Properties());
    }

    /**
     * The checks of {@link #load}, for {@code tandem check}: returns every problem, one line each
     * (empty when the routes are valid), and leaves nothing running. Safe to call while a node with
     * the same context name runs in this JVM: the check context has JMX off.
     */
    public static List<String> validate(
            String contextName, List<Path> folders, Map<String, Object> beans, Properties properties) {
        Problems problems = new Problems();
        List<RouteFile> files = read(folders, problems);
        check(contextName, files, beans, properties, problems);
        return problems.lines();
    }

    /**
     * The route files {@link #load} reads from {@code folders}, in load order: every
     * {@code *.camel.yaml} directly in each folder, folder by folder, sorted by file name. Folders that
     * do not exist are skipped here ({@link #validate} reports them).
     */
    public static List<Path> files(List<Path> folders) {
        return RouteFile.readAll(folders, new Problems()).stream().map(RouteFile::path).toList();
    }

    static List<RouteFile> read(List<Path> folders, Problems problems) {
        Objects.requireNonNull(folders, "folders");
        List<RouteFile> files = RouteFile.readAll(folders, problems);
        problems.order(files.stream().map(RouteFile::path).toList());
        return files;
    }

    /** Checks {@code files} in a throwaway context; returns their model (ids, files, lines: nothing runs on it). */
    static ParsedRoutes check(
            String contextName, List<RouteFile> files, Map<String, Object> beans, Properties properties,
            Problems problems) {
        DefaultCamelContext context = newContext(contextName, beans, properties);
        context.disableJMX();
        context.setAutoStartup(false);
        context.setStartupSummaryLevel(StartupSummaryLevel.Off);
        try {
            ParsedRoutes parsed = ParsedRoutes.parse(context, files, problems);
            Set<ParsedRoutes.Route> flawed = RouteChecks.check(
                    parsed, context.getRegistry(), beans == null ? Set.of() : beans.keySet(), problems);
            create(context, parsed, flawed, problems);
            return parsed;
        } finally {
            context.shutdown();
        }
    }

    /**
     * Lets Camel create each sound route in the started, not auto-starting context. Adding them one by
     * one isolates failures: starting the context with all of them stops at the first broken route.
     */
    private static void create(
            DefaultCamelContext context, ParsedRoutes parsed, Set<ParsedRoutes.Route> flawed, Problems problems) {
        try {
            // the context is not started, so this only empties the model
            context.removeRouteDefinitions(new ArrayList<>(context.getRouteDefinitions()));
            context.start();
        } catch (Exception e) {
            problems.add("cannot start a CamelContext to check the routes: " + Causes.message(e));
            return;
        }
        for (ParsedRoutes.Route route : parsed.routes()) {
            if (flawed.contains(route)) {
                continue;
            }
            try {
                context.addRouteDefinition(route.definition());
            } catch (Exception e) {
                problems.add(route.file(), route.line(), route.name() + " cannot be created: " + Causes.message(e));
            }
        }
    }

    /** How long closing a node's routes waits for exchanges still in flight. */
    static final long SHUTDOWN_SECONDS = 10;

    private static DefaultCamelContext newContext(String name, Map<String, Object> beans, Properties properties) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("contextName must not be blank");
        }
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        // a node that closes has already stopped as an operator stop would (NodeRuntime.shutdown): what is
        // still in flight on a lane then (a last sync waiting for a peer that is going away too) gets
        // SHUTDOWN_SECONDS, not Camel's 45 s, so a service manager's stop is not held up
        context.getShutdownStrategy().setTimeout(SHUTDOWN_SECONDS);
        PropertiesComponent placeholders = (PropertiesComponent) context.getPropertiesComponent();
        placeholders.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        placeholders.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        placeholders.setInitialProperties(copy);
        if (beans != null) {
            beans.forEach((beanName, bean) -> {
                if (bean != null) {
                    context.getRegistry().bind(beanName, bean);
                }
            });
        }
        return context;
    }
}
