package tandem.checks;

import tandem.facts.ProbeResult;

/**
 * A checker whose target cannot be probed at all (malformed): every probe fails with the same detail,
 * so the problem shows in the status table instead of the resource silently missing.
 */
record BrokenCheck(String resource, String detail) implements Check {
    @Override
    public ProbeResult probe(long now) {
        return new ProbeResult(resource, false, detail, now);
    }
}
