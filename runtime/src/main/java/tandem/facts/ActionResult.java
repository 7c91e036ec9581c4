package tandem.facts;

import java.util.Objects;

/**
 * The outcome of an action the engine asked for; lives for one round of rule firing.
 *
 * @param finding empty, or what an action that did not do its work found for the rules to decide on
 *                (not a fault of the action): {@link #VIP_HELD_BY_PEER}
 */
public record ActionResult(String action, boolean ok, String detail, long at, String finding) {

    /** vip-up: the duplicate address probe was answered by the peer's MAC, so the peer still holds the address. */
    public static final String VIP_HELD_BY_PEER = "vip-held-by-peer";

    public ActionResult {
        Objects.requireNonNull(finding, "finding");
    }

    public ActionResult(String action, boolean ok, String detail, long at) {
        this(action, ok, detail, at, "");
    }
}
