package tandem.facts;

/** An action that was asked for and has not reported back yet (kept by the engine). */
public record Pending(String action) {
}
