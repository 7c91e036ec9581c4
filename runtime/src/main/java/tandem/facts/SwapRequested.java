package tandem.facts;

/**
 * Inserted by the rules when the primary accepted a swap and waits for the secondary's last
 * replication cycle before it hands over (then it is deleted).
 */
public record SwapRequested(String origin) {
}
