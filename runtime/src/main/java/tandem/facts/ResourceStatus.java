package tandem.facts;

/** A resource's status after rise/fall hysteresis, owned by the rules of classify.drl. */
public record ResourceStatus(String resource, boolean up, boolean critical) {
}
