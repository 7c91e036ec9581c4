package tandem.facts;

/**
 * Derived (rules/redundancy/classify.drl, insertLogical): this standby has taken over from its active
 * by an operator's switchover (RED-9) and serves in its place until a rollback (RED-12). Kept across a
 * restart by the node's generation, which counts its takeovers: a standby enters ALONE only by a
 * switchover, so a generation above 0 means it switched; a rollback sets it back to 0.
 */
public record Switched() {
}
