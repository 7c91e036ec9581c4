package tandem.checks;

import tandem.facts.ProbeResult;

/**
 * One resource the node watches (MS-7): probing it is an observation, never a decision.
 *
 * <p>Contract: {@link #probe} never throws and returns within a bound its implementation states (a
 * network or command timeout); whatever goes wrong, including the probe itself failing, is data: a
 * {@link ProbeResult} with {@code ok=false} and a detail saying what was seen.
 */
public interface Check {

    /** The name results are reported under, {@code <type>.<name>}, e.g. {@code proc.management}. */
    String resource();

    /** Probes the resource once; {@code now} is the session time the result carries. */
    ProbeResult probe(long now);
}
