package tandem.node;

import java.time.Clock;
import java.util.Optional;
import tandem.actions.ActionException;
import tandem.actions.VirtualIp;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/**
 * The {@code vip} bean of the action routes: the node's virtual IP. Without a {@code vip:} section
 * every step succeeds with nothing to do, so the same rules serve nodes with and without an address.
 */
public final class VipBean {
    private final Optional<VirtualIp> vip;
    private final Clock clock;

    public VipBean(Optional<VirtualIp> vip, Clock clock) {
        this.vip = vip;
        this.clock = clock;
    }

    /** Brings the address up here after probing that no other host answers for it. */
    public ActionResult up(ActionRequest request) {
        return step(request, VirtualIp::acquire);
    }

    /** Brings the address up although the peer still answers for it (the rules decided it may). */
    public ActionResult takeOver(ActionRequest request) {
        return step(request, VirtualIp::takeOver);
    }

    /** Releases the address. */
    public ActionResult down(ActionRequest request) {
        return step(request, VirtualIp::release);
    }

    /** One step on the virtual IP. */
    private interface Step {
        void run(VirtualIp vip) throws ActionException;
    }

    private ActionResult step(ActionRequest request, Step step) {
        if (vip.isEmpty()) {
            return new ActionResult(request.action(), true, "no virtual IP configured", clock.millis());
        }
        try {
            step.run(vip.get());
            return new ActionResult(request.action(), true, "done", clock.millis());
        } catch (ActionException e) {
            // a finding (the address held by the peer) is a fact for the rules, not a fault
            return new ActionResult(request.action(), false, e.getMessage(), clock.millis(), e.finding());
        }
    }
}
