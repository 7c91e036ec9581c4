package tandem.facts;

/**
 * When this node's engine booted. The peer's silence is not counted from here but from
 * {@link LinkListening}: the engine boots before the peer link can hear anything.
 */
public record Boot(long at) {
}
