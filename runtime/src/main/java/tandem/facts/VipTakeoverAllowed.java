package tandem.facts;

/**
 * The profile's split-brain policy allows taking over the virtual IP that the peer still holds (silent, or leaving the role)
 * (inserted logically by the profile's rules, so it vanishes with its cause).
 *
 * @param reason why, for the decision's sentence, e.g. "the peer is silent and the witness answers"
 */
public record VipTakeoverAllowed(String reason) {
}
