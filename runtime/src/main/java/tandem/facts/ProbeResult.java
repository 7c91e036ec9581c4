package tandem.facts;

/** One checker result: an observation, never a decision. Transient errors are data ({@code ok=false}). */
public record ProbeResult(String resource, boolean ok, String detail, long at) {
}
