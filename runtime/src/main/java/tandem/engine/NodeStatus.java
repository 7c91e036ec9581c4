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
 * @param activity  what the managed services are doing ({@link tandem.facts.Services})
 * @param mismatch  why the peer's settings differ (MS-9), or null
 * @param suspended the rules the loop guard suspended ({@code rules.loop-guard}), each as a sentence naming
 *                  it, the action and the limit; empty on a sane rule set
 * @param at        session time of the snapshot
 */
public record NodeStatus(String nodeId, NodeState state, DataState data, long generation, Activity activity,
                         long since, PeerView peer, List<ResourceView> resources, String mismatch,
                         List<String> suspended, long at) {

    public NodeStatus {
        resources = List.copyOf(resources);
        suspended = List.copyOf(suspended);
    }

    /** Whether the rules want {@code resource} checked now (false for an active-only one while the services do not run). */
    public boolean checked(String resource) {
        return resources.stream().noneMatch(r -> r.resource().equals(resource) && !r.checked());
    }

    /** The peer as its last heartbeat described it. */
    public record PeerView(String id, NodeState state, DataState data, long generation, boolean holding,
                           long lastHeardAt) {
    }

    /**
     * @param status     {@code up}, {@code down}, or {@code unknown} (not enough checks yet, or not checked in this state)
     * @param lastChange session time the status last changed, or -1
     * @param lastCheck  session time of the latest result, or -1
     * @param checked    false while the rules hold the resource unchecked ({@link tandem.facts.Unchecked}):
     *                   its checker need not run and its results are ignored; {@code detail} says why
     */
    public record ResourceView(String resource, String status, boolean critical, String detail, long lastChange,
                               long lastCheck, boolean checked) {
    }
}
