package tandem.facts;

/**
 * What one round of the checkers reports: a checker's verdict ({@link ProbeResult}) or a measurement
 * whose verdict the rules give ({@link ClockSkew}).
 */
public sealed interface Reading permits ProbeResult, ClockSkew {

    /** The resource it is about, {@code <type>.<name>}. */
    String resource();

    /** When it was observed. */
    long at();
}
