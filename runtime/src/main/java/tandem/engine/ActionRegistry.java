package tandem.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/**
 * The {@code actions} bean of the routes: carries out one action by name with the handler the node
 * registered for it. An action with no handler on this node fails with a result that says so (the
 * rules then see an ActionResult that is not ok), it is never silently dropped.
 */
public final class ActionRegistry {

    private final Map<String, Function<ActionRequest, ActionResult>> handlers = new LinkedHashMap<>();
    private final java.util.function.LongSupplier clock;

    public ActionRegistry(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    public ActionRegistry register(String action, Function<ActionRequest, ActionResult> handler) {
        handlers.put(action, handler);
        return this;
    }

    public Set<String> actions() {
        return handlers.keySet();
    }

    /** Runs the handler of {@code request.action()}; its result goes back to the engine as an observation. */
    public ActionResult perform(ActionRequest request) {
        Function<ActionRequest, ActionResult> h = handlers.get(request.action());
        if (h == null) {
            return new ActionResult(request.action(), false, "this node has no implementation of action \""
                    + request.action() + "\"", clock.getAsLong());
        }
        return h.apply(request);
    }
}
