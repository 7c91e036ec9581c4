package tandem.facts;

/** Inserted by the rules when the node must end in STOP (operator stop, or giving up after a failure), not rejoin. */
public record StopRequested(String why) {
}
