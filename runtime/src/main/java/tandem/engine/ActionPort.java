package tandem.engine;

/**
 * Carries out the actions of decisions (services, virtual IP, replication, passing a command to the
 * peer, mail): on a node, each is the route {@code direct:action-<name>} ({@code tandem.node.Lanes}).
 * Contract: {@link #perform} returns at once and never calls back into the engine on the same call
 * stack; the outcome arrives later as an {@link tandem.facts.ActionResult} observation, exactly one
 * per request.
 */
public interface ActionPort {

    void perform(ActionRequest request);

    /**
     * @param action     action name, as the rule wrote it in {@code act(...)}: the route {@code action-<name>}
     * @param rule       the rule whose decision asked for it
     * @param reason     that decision's sentence
     * @param generation the node's generation when it was asked for (a resync copies the peer's)
     * @param args       the decision's arguments for its actions ({@code Decision.with}), name -> value
     */
    record ActionRequest(String action, String rule, String reason, long generation,
            java.util.Map<String, String> args) {
        public ActionRequest {
            args = java.util.Map.copyOf(args);
        }

        /** A request without arguments. */
        public ActionRequest(String action, String rule, String reason, long generation) {
            this(action, rule, reason, generation, java.util.Map.of());
        }

        /** The value of argument {@code name}, or null. */
        public String arg(String name) {
            return args.get(name);
        }
    }
}
