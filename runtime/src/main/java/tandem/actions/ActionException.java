package tandem.actions;

import tandem.TandemException;

/**
 * An action on the machine did not do what it was asked (a service did not start, the virtual IP is
 * taken). The message is a sentence an operator can act on and names what failed and why, e.g.
 * {@code unit app-management.service does not exist}; the engine turns it into a failed
 * {@link tandem.facts.ActionResult}, which the rules react to.
 */
public final class ActionException extends TandemException {
    public ActionException(String message) {
        super(message);
    }

    public ActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
