package tandem.routes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.NamedNode;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PatternHelper;

/**
 * Checks on the parsed route model that Camel does not make, or makes only when it creates the
 * route and then stops at the first one: explicit and unique ids, the shared error handler,
 * bean references, and no decisions in routes.
 */
final class RouteChecks {
    /** The routeConfiguration every route names (routes/common/errors.camel.yaml). */
    static final String ERROR_HANDLER = "tandem-errors";

    private final ParsedRoutes parsed;
    private final Registry registry;
    private final Set<String> boundBeans;
    private final Problems problems;
    private final Set<ParsedRoutes.Route> flawed = new HashSet<>();

    private RouteChecks(ParsedRoutes parsed, Registry registry, Set<String> boundBeans, Problems problems) {
        this.parsed = parsed;
        this.registry = registry;
        this.boundBeans = boundBeans;
        this.problems = problems;
    }

    /**
     * Reports every problem in the model and returns the routes that have one, so route creation can
     * skip them instead of repeating the same problem in Camel's words.
     */
    static Set<ParsedRoutes.Route> check(
            ParsedRoutes parsed, Registry registry, Set<String> boundBeans, Problems problems) {
        RouteChecks checks = new RouteChecks(parsed, registry, boundBeans, problems);
        checks.ids();
        checks.configurations();
        for (ParsedRoutes.Route route : parsed.routes()) {
            checks.errorHandler(route);
            checks.steps(route);
        }
        return checks.flawed;
    }

    private void ids() {
        Map<String, ParsedRoutes.Route> first = new HashMap<>();
        for (ParsedRoutes.Route route : parsed.routes()) {
            if (!route.hasExplicitId()) {
                flag(route, route.line(), route.name() + " has no id; every route needs one");
                continue;
            }
            ParsedRoutes.Route earlier = first.putIfAbsent(route.id(), route);
            if (earlier != null) {
                flag(route, route.line(), "route id \"" + route.id() + "\" is already used at "
                        + earlier.file() + ":" + earlier.line() + "; route ids must be unique");
            }
        }
    }

    private void configurations() {
        Map<String, ParsedRoutes.Configuration> first = new HashMap<>();
        for (ParsedRoutes.Configuration configuration : parsed.configurations()) {
            if (configuration.id() == null || configuration.id().isBlank()) {
                problems.add(configuration.file(), configuration.line(),
                        "routeConfiguration has no id; give it one and name it in the routes' routeConfigurationId");
                continue;
            }
            ParsedRoutes.Configuration earlier = first.putIfAbsent(configuration.id(), configuration);
            if (earlier != null) {
                problems.add(configuration.file(), configuration.line(),
                        "routeConfiguration id \"" + configuration.id() + "\" is already used at "
                                + earlier.file() + ":" + earlier.line() + "; ids must be unique");
            }
            for (OnExceptionDefinition onException : configuration.definition().getOnExceptions()) {
                for (BeanDefinition bean : find(onException.getOutputs(), BeanDefinition.class)) {
                    String missing = missingBean(bean);
                    if (missing != null) {
                        problems.add(configuration.file(), line(bean, configuration.line()),
                                "routeConfiguration \"" + configuration.id() + "\" " + missing);
                    }
                }
            }
        }
    }

    /**
     * Camel applies a routeConfiguration with an id only to routes that name it, and silently ignores
     * a name that matches none: both would leave a route without the shared error handler.
     */
    private void errorHandler(ParsedRoutes.Route route) {
        String named = route.definition().getRouteConfigurationId();
        if (named == null || named.isBlank()) {
            flag(route, route.line(), route.name() + " names no routeConfiguration; add \"routeConfigurationId: "
                    + ERROR_HANDLER + "\" so the shared error handler applies");
            return;
        }
        if (parsed.incomplete()) {
            return; // the configuration may be in the file that did not parse
        }
        for (String pattern : named.split(",")) {
            String wanted = pattern.strip();
            boolean exists = parsed.configurations().stream()
                    .anyMatch(c -> c.id() != null && PatternHelper.matchPattern(c.id(), wanted));
            if (!exists) {
                flag(route, route.line(), route.name() + " names routeConfiguration \"" + wanted
                        + "\", which no route file defines");
            }
        }
    }

    private void steps(ParsedRoutes.Route route) {
        List<ProcessorDefinition<?>> outputs = route.definition().getOutputs();
        for (BeanDefinition bean : find(outputs, BeanDefinition.class)) {
            String missing = missingBean(bean);
            if (missing != null) {
                flag(route, line(bean, route.line()), route.name() + " " + missing);
            }
        }
        for (SendDefinition<?> send : find(outputs, SendDefinition.class)) {
            String name = beanEndpointName(send.getEndpointUri());
            if (name != null && registry.lookupByName(name) == null) {
                flag(route, line(send, route.line()), route.name() + " sends to \"" + send.getEndpointUri()
                        + "\", but no bean named \"" + name + "\" is bound" + bound());
            }
        }
        // checkers observe, rules decide, actions act (DESIGN): a route that branches on the body is
        // a decision the rules cannot see, explain or test in a scenario
        List<ProcessorDefinition<?>> decisions = new ArrayList<>();
        decisions.addAll(find(outputs, ChoiceDefinition.class));
        decisions.addAll(find(outputs, FilterDefinition.class));
        for (ProcessorDefinition<?> decision : decisions) {
            flag(route, line(decision, route.line()), route.name() + " decides with \"" + decision.getShortName()
                    + "\"; routes only carry bodies between beans, decisions belong in the rules");
        }
    }

    /** Why the bean step cannot work, or null. Refs with placeholders or Camel's {@code #} syntax are left to Camel. */
    private String missingBean(BeanDefinition bean) {
        String ref = bean.getRef();
        if (ref == null || ref.contains("{{") || ref.startsWith("#")) {
            return null;
        }
        Object found = registry.lookupByName(ref);
        if (found == null) {
            return "calls bean \"" + ref + "\", but no bean by that name is bound" + bound();
        }
        String method = bean.getMethod();
        if (method == null || method.contains("{{")) {
            return null;
        }
        // "method: submit(${body})" names the method before the parameter list
        String name = method.contains("(") ? method.substring(0, method.indexOf('(')).strip() : method.strip();
        long overloads = Arrays.stream(found.getClass().getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic())
                .count();
        if (overloads == 0) {
            return "calls method \"" + name + "\" on bean \"" + ref + "\", but "
                    + found.getClass().getName() + " has no public method by that name";
        }
        if (overloads > 1 && !method.contains("(")) {
            // Camel only notices at the first message: AmbiguousMethodCallException
            return "calls method \"" + name + "\" on bean \"" + ref + "\", which has " + overloads
                    + " public methods by that name; say which, e.g. \"" + name + "(${body})\"";
        }
        return null;
    }

    private String bound() {
        return boundBeans.isEmpty() ? " (no beans are bound)" : " (bound: " + String.join(", ", new TreeSet<>(boundBeans)) + ")";
    }

    /** The bean name of a {@code bean:name?method=x} endpoint, or null for any other endpoint. */
    private static String beanEndpointName(String uri) {
        if (uri == null || !uri.startsWith("bean:") || uri.contains("{{") || uri.contains("${")) {
            return null;
        }
        String name = uri.substring("bean:".length());
        if (name.startsWith("//")) {
            name = name.substring(2);
        }
        int query = name.indexOf('?');
        return query >= 0 ? name.substring(0, query) : name;
    }

    private void flag(ParsedRoutes.Route route, int line, String message) {
        problems.add(route.file(), line, message);
        flawed.add(route);
    }

    private static int line(NamedNode node, int fallback) {
        return node.getLineNumber() > 0 ? node.getLineNumber() : fallback;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Collection<T> find(List<ProcessorDefinition<?>> outputs, Class<T> type) {
        return ProcessorDefinitionHelper.filterTypeInOutputs((List) outputs, type);
    }
}
