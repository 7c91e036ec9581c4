package tandem.facts;

/**
 * One checker result: an observation, never a decision. Transient errors are data ({@code ok=false}).
 * A rule that judges a measurement (a {@link ClockSkew}) inserts one too: the engine counts it like a
 * checker's.
 */
public record ProbeResult(String resource, boolean ok, String detail, long at) implements Reading {
}
