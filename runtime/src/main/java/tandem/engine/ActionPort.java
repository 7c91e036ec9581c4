package tandem.engine;

/**
 * Carries out the actions of decisions (services, virtual IP, resync, passing a command to the peer).
 * Contract: {@link #perform} returns at once and never calls back into the engine on the same call
 * stack; the outcome arrives later as an {@link tandem.facts.ActionResult} observation, exactly one
 * per request.
 */
public interface ActionPort {

    void perform(ActionRequest request);

    /**
     * @param action     action name: vip-up, vip-takeover (the address the peer still holds), vip-down,
     *                   start-services, start-reported-services (sbs: what the former
     *                   primary ran), stop-services, resync, forward-swap, mail-takeover, mail-split-brain
     * @param rule       the rule whose decision asked for it
     * @param reason     that decision's sentence
     * @param generation the node's generation when it was asked for (a resync copies the peer's)
     */
    record ActionRequest(String action, String rule, String reason, long generation) {
    }
}
