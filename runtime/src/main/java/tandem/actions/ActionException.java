package tandem.actions;

import tandem.TandemException;

/**
 * An action on the machine did not do what it was asked (a service did not start, the virtual IP is
 * taken). The message is a sentence an operator can act on and names what failed and why, e.g.
 * {@code unit app-management.service does not exist}; the engine turns it into a failed
 * {@link tandem.facts.ActionResult}, which the rules react to.
 */
public final class ActionException extends TandemException {

    private final String finding;

    public ActionException(String message) {
        this(message, (Throwable) null);
    }

    public ActionException(String message, Throwable cause) {
        super(message, cause);
        this.finding = "";
    }

    private ActionException(String finding, String message) {
        super(message);
        this.finding = finding;
    }

    /**
     * The action did not do what it was asked because it found a fact the rules decide on, named by
     * {@code finding} (e.g. {@link tandem.facts.ActionResult#VIP_HELD_BY_PEER}); it becomes the
     * {@code finding} of the failed {@link tandem.facts.ActionResult}.
     */
    public static ActionException found(String finding, String message) {
        return new ActionException(finding, message);
    }

    /** What the action found for the rules to decide on, or empty. */
    public String finding() {
        return finding;
    }
}
