package tandem.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import tandem.engine.ActionPort;
import tandem.facts.ActionResult;
import tandem.routes.Catalogue;

/**
 * The engine's {@link ActionPort} on a node, and the {@code lanes} bean of the lane routes (their
 * aggregation strategy). Every action
 * is the route {@code direct:action-<name>}; its route's {@code group} names its lane, and each lane is
 * one route {@code lane-<lane>} that takes the lane's requests from {@code seda:tandem-lane-<lane>} one
 * after the other, sends each to its action's route and puts the result on the engine's queue. Which
 * actions may run beside which is thus declared in the route files; this class only looks the lane up.
 *
 * <p>An action that no route carries never reaches Camel: the engine gets a failed result saying so at
 * once. What the engine asks for before the routes are loaded waits here and goes first.
 */
public final class Lanes implements ActionPort, AggregationStrategy {
    private final Consumer<Object> observe;
    private final LongSupplier clock;
    private final List<ActionRequest> early = new ArrayList<>();
    private Catalogue catalogue;
    private ProducerTemplate template;

    /** @param observe puts an observation on the engine's queue */
    public Lanes(Consumer<Object> observe, LongSupplier clock) {
        this.observe = observe;
        this.clock = clock;
    }

    /**
     * The routes run from now on: requests go to the lanes {@code catalogue} names, through
     * {@code template}. Called again with a new catalogue when the node's routes are replaced.
     */
    public synchronized void attach(Catalogue catalogue, ProducerTemplate template) {
        this.catalogue = catalogue;
        this.template = template;
        List<ActionRequest> waiting = List.copyOf(early);
        early.clear();
        waiting.forEach(this::perform);
    }

    /** Sends the request to its action's lane; before the routes run, keeps it for {@link #attach}. */
    @Override
    public synchronized void perform(ActionRequest request) {
        if (template == null) {
            early.add(request);
            return;
        }
        Optional<Catalogue.Action> action = catalogue.action(request.action());
        if (action.isEmpty()) {
            observe.accept(new ActionResult(request.action(), false, "no route carries action \"" + request.action()
                    + "\" (no route " + Catalogue.ACTION_PREFIX + request.action() + " in the node's route folders)",
                    clock.getAsLong()));
            return;
        }
        template.sendBody(Catalogue.laneEndpoint(action.get().lane()), request);
    }

    /**
     * How a lane route's {@code enrich} turns what the action's route ended with into the request's
     * result, which replaces the request as the lane's message. An {@link ActionResult} is taken as it is
     * (named after the request); a route that failed (the shared error handler caught its exception) or
     * is not there gives a failed result with the reason; a route that ended with anything else did its
     * work (e.g. a route that sends a mail with a Camel component directly).
     */
    @Override
    public Exchange aggregate(Exchange lane, Exchange action) {
        ActionRequest request = lane.getMessage().getBody(ActionRequest.class);
        lane.getMessage().setBody(result(request, action));
        return lane;
    }

    private ActionResult result(ActionRequest request, Exchange action) {
        Object body = action.getMessage().getBody();
        // a route that ended with a result of its own says how it went, even when one of its steps failed
        // on the way: Camel keeps the caught exception of a step that succeeded when tried again
        // (redelivery), and an error handler that answers with a result (a transfer's last attempt) has
        // said what failed. The shared handler (tandem-errors) replaces the body with its message.
        Exception failed = action.getException() != null ? action.getException()
                : body instanceof ActionResult ? null : action.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failed instanceof org.apache.camel.component.direct.DirectConsumerNotAvailableException) {
            return new ActionResult(request.action(), false, "no route carries action \"" + request.action()
                    + "\" (" + Catalogue.actionEndpoint(request.action()) + " has no running route)", clock.getAsLong());
        }
        if (failed != null) {
            return new ActionResult(request.action(), false, "route " + Catalogue.ACTION_PREFIX + request.action()
                    + " failed: " + failed.getMessage(), clock.getAsLong());
        }
        if (body instanceof ActionResult r) {
            return r.action().equals(request.action()) ? r
                    : new ActionResult(request.action(), r.ok(), r.detail(), r.at(), r.finding());
        }
        return new ActionResult(request.action(), true, "done by route " + Catalogue.ACTION_PREFIX + request.action(),
                clock.getAsLong());
    }
}
