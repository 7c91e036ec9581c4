package tandem.engine;

import java.util.List;
import tandem.facts.Activity;
import tandem.facts.DataState;
import tandem.facts.NodeState;

/**
 * A snapshot of one node as its engine sees it, taken on the engine's thread after every cycle and
 * read by the HTTP API, JMX and {@code tandem status} from any thread.
 *
 * @param peer      what the peer last said, or null when it was never heard
 * @param resources every resource with its status after rise/fall
 * @param mismatch  why the peer's settings differ (MS-9), or null
 * @param at        session time of the snapshot
 */
public record NodeStatus(String nodeId, NodeState state, DataState data, long generation, Activity activity,
                         long since, PeerView peer, List<ResourceView> resources, String mismatch, long at) {

    public NodeStatus {
        resources = List.copyOf(resources);
    }

    /** The peer as its last heartbeat described it. */
    public record PeerView(String id, NodeState state, DataState data, long generation, boolean holding,
                           long lastHeardAt) {
    }

    /**
     * @param status     {@code up}, {@code down}, or {@code unknown} (not enough checks yet, or not checked in this state)
     * @param lastChange session time the status last changed, or -1
     * @param lastCheck  session time of the latest result, or -1
     */
    public record ResourceView(String resource, String status, boolean critical, String detail, long lastChange,
                               long lastCheck) {
    }
}
