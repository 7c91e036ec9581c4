package tandem.node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.CommandArgs;
import tandem.routes.Catalogue;

/**
 * Where every operator command enters a node: the HTTP API, JMX, and a command the peer passed on all
 * send it to its route {@code direct:command-<name>}, which hands it to the rules; the reply is the
 * rules' answer. The commands a node has are the command routes it loaded, so a name with no route is
 * answered here, naming the ones there are.
 */
public final class CommandRoutes {
    /** The header a command route reads its origin from ({@code api}, {@code jmx}, {@code peer node2}, ...). */
    public static final String ORIGIN = "origin";
    /**
     * The header a command route reads the command's arguments from: a {@code Map<String, String>},
     * name -> value in the order given, empty when there are none ({@link tandem.facts.CommandArgs}).
     */
    public static final String ARGS = "args";
    /**
     * The route a node's shutdown goes through ({@code direct:node-shutdown}): it names the command that
     * stops the node as an operator would before the process ends.
     */
    public static final String SHUTDOWN_ROUTE = "node-shutdown";

    private volatile Catalogue catalogue;
    private volatile ProducerTemplate template;

    /** The routes run from now on (again, with the new catalogue, when the node's routes are replaced). */
    public void attach(Catalogue catalogue, ProducerTemplate template) {
        this.catalogue = catalogue;
        this.template = template;
    }

    /** The commands the node's routes offer, in load order; empty before the routes are loaded. */
    public List<String> known() {
        Catalogue c = catalogue;
        return c == null ? List.of() : List.copyOf(c.commands().keySet());
    }

    /**
     * The commands the node's routes offer with what each does, in the words of its route's description
     * (the console's confirmation says it before a command is sent).
     */
    public Map<String, String> described() {
        Catalogue c = catalogue;
        ProducerTemplate t = template;
        Map<String, String> m = new java.util.LinkedHashMap<>();
        if (c == null) {
            return m;
        }
        for (String name : c.commands().keySet()) {
            org.apache.camel.Route r = t == null ? null : t.getCamelContext().getRoute("command-" + name);
            String d = r == null || r.getDescription() == null ? "" : r.getDescription();
            m.put(name, d.replaceFirst("^Operator command: ", ""));
        }
        return m;
    }

    /** False only when the node's routes are loaded and none offers {@code name}. */
    public boolean offers(String name) {
        Catalogue c = catalogue;
        return c == null || c.hasCommand(name);
    }

    /** Sends {@code name} without arguments to its route and returns the rules' answer. */
    public CommandAnswer answer(String name, String origin) {
        return answer(name, origin, Map.of());
    }

    /**
     * Sends {@code name} with its arguments (headers {@value #ORIGIN} and {@value #ARGS}) to its route and
     * returns the rules' answer; arguments not of the shape {@link CommandArgs} checks are refused here.
     */
    public CommandAnswer answer(String name, String origin, Map<String, String> args) {
        Map<String, String> checked;
        try {
            checked = CommandArgs.checked(args);
        } catch (IllegalArgumentException e) {
            return new CommandAnswer(name, false, e.getMessage(), null);
        }
        ProducerTemplate t = template;
        if (t == null) {
            return new CommandAnswer(name, false, "the node is starting", null);
        }
        if (!catalogue.hasCommand(name)) {
            return new CommandAnswer(name, false, "unknown command \"" + name + "\"; known: "
                    + String.join(", ", known()), null);
        }
        Map<String, Object> headers = new HashMap<>();
        headers.put(ORIGIN, origin);
        headers.put(ARGS, checked);
        return answerOf(name, t.requestBodyAndHeaders(Catalogue.commandEndpoint(name), null, headers));
    }

    /**
     * Sends the shutdown to {@code direct:node-shutdown}, whose route names the command that stops the
     * node; null when the routes are not loaded or have no such route (the node then closes as it is).
     */
    public CommandAnswer shutdown(String origin) {
        ProducerTemplate t = template;
        if (t == null || t.getCamelContext().getRoute(SHUTDOWN_ROUTE) == null) {
            return null;
        }
        return answerOf(SHUTDOWN_ROUTE, t.requestBodyAndHeaders("direct:" + SHUTDOWN_ROUTE, null,
                Map.of(ORIGIN, origin, ARGS, Map.of())));
    }

    /** The route's reply: the rules' answer, or the sentence of the error handler when the route failed. */
    private static CommandAnswer answerOf(String name, Object reply) {
        return reply instanceof CommandAnswer a ? a : new CommandAnswer(name, false, String.valueOf(reply), null);
    }
}
