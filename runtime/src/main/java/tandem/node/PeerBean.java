package tandem.node;

import java.time.Clock;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/**
 * The {@code peer} bean of the action routes: passes an operator command to the peer over the peer
 * link (a swap asked on the secondary is the primary's to carry out). The command is the route's
 * argument: {@code method: "forward(${body}, 'swap')"}.
 */
public final class PeerBean {
    private final NodeConfig config;
    private final Ports.Peer peer;
    private final Clock clock;

    public PeerBean(NodeConfig config, Ports.Peer peer, Clock clock) {
        this.config = config;
        this.peer = peer;
        this.clock = clock;
    }

    /**
     * Sends {@code command} to the peer, which answers it with its own rules; the outcome shows in the
     * peer's next heartbeats. Fails only when the link is not up yet.
     */
    public ActionResult forward(ActionRequest request, String command) {
        if (!peer.command(command, "peer " + config.node().id())) {
            return new ActionResult(request.action(), false, "the peer link is not up yet; " + command
                    + " not passed to " + config.peer().id(), clock.millis());
        }
        return new ActionResult(request.action(), true, command + " passed to " + config.peer().id(), clock.millis());
    }
}
