package tandem.facts;

/**
 * Inserted by the rules when an ALONE node stepped down because neither its peer nor the witness
 * answered: it may be the one cut off. While it waits, the witness answering again is not enough to
 * go on alone: the peer, reconnecting after the same heal, gets a failover timeout to be heard first
 * (see {@link WitnessBack}). Deleted once the node leaves WAIT.
 *
 * @param since when it stepped down (engine clock, ms)
 */
public record CutOff(long since) {
}
