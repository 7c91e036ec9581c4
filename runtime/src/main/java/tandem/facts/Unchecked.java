package tandem.facts;

/**
 * Derived (classify.drl, insertLogical): the results of this resource do not count now, so its checker
 * need not run (an active-only resource while the managed services do not run). The engine ignores
 * such results and publishes the answer in its status, where the checkers read it.
 *
 * @param resource the resource
 * @param why      what the status table shows instead of a detail, e.g. "checked while the services run"
 */
public record Unchecked(String resource, String why) {
}
