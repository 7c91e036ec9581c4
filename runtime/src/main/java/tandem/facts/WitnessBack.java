package tandem.facts;

/**
 * Inserted by the rules when a {@link CutOff} node hears the witness again; deleted when the witness
 * is lost again or the node is no longer cut off.
 *
 * @param at when the witness answered again (engine clock, ms)
 */
public record WitnessBack(long at) {
}
