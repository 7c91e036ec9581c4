package tandem.facts;

/** When this node's engine started listening for its peer; silence is counted from here at the latest. */
public record Boot(long at) {
}
