package tandem.facts;

/**
 * What a node tells its peer at every heartbeat and at every change (DESIGN "The peer link").
 *
 * @param nodeId     sender
 * @param state      sender's node state
 * @param data       sender's data state
 * @param generation sender's generation
 * @param holding    true while the sender runs, starts or stops the managed services: its peer must
 *                   not take over before this is false, so the two never hold the virtual IP at once
 * @param priority   sender's configured priority
 * @param sentAt     sender's clock, for the clock-skew check (MS-12)
 */
public record Heartbeat(String nodeId, NodeState state, DataState data, long generation, boolean holding,
                        int priority, long sentAt) {
}
