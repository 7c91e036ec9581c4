package tandem.facts;

/** The session clock's time at the current cycle, replaced every cycle; only classify rules read it. */
public record Tick(long now) {
}
