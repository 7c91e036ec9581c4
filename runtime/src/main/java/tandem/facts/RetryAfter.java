package tandem.facts;

/** Inserted by the rules after a failed action: the action is not asked for again before {@code notBefore}. */
public record RetryAfter(String action, long notBefore) {
}
