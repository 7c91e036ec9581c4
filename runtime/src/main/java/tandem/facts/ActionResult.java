package tandem.facts;

/** The outcome of an action the engine asked for; lives for one round of rule firing. */
public record ActionResult(String action, boolean ok, String detail, long at) {
}
