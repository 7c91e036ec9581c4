package tandem.node;

import java.util.List;
import org.apache.camel.ProducerTemplate;
import tandem.engine.CycleOutcome.CommandAnswer;
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

    /** False only when the node's routes are loaded and none offers {@code name}. */
    public boolean offers(String name) {
        Catalogue c = catalogue;
        return c == null || c.hasCommand(name);
    }

    /** Sends {@code name} to its route and returns the rules' answer. */
    public CommandAnswer answer(String name, String origin) {
        ProducerTemplate t = template;
        if (t == null) {
            return new CommandAnswer(name, false, "the node is starting", null);
        }
        if (!catalogue.hasCommand(name)) {
            return new CommandAnswer(name, false, "unknown command \"" + name + "\"; known: "
                    + String.join(", ", known()), null);
        }
        return answerOf(name, t.requestBodyAndHeader(Catalogue.commandEndpoint(name), null, ORIGIN, origin));
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
        return answerOf(SHUTDOWN_ROUTE, t.requestBodyAndHeader("direct:" + SHUTDOWN_ROUTE, null, ORIGIN, origin));
    }

    /** The route's reply: the rules' answer, or the sentence of the error handler when the route failed. */
    private static CommandAnswer answerOf(String name, Object reply) {
        return reply instanceof CommandAnswer a ? a : new CommandAnswer(name, false, String.valueOf(reply), null);
    }
}
