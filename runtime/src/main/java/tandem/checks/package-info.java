/**
 * Checkers (MS-7): each {@link tandem.checks.Check} observes one resource and returns a
 * {@link tandem.facts.ProbeResult}. They never decide, never act and never throw: a failure, even of
 * the probe itself, is a result with {@code ok=false} and a detail. Every probe is bounded by a
 * timeout. Whether a failed resource matters (critical, when, rise/fall) is the rules' business.
 * {@link tandem.checks.Checks#of} builds them from the node's config.
 */
package tandem.checks;
