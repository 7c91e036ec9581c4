/**
 * The redundancy profile's own parts (RED-1..RED-12): a warm standby fed by scheduled backups.
 * {@link tandem.redundancy.Schedule} computes when the active creates and transfers a backup, from
 * the node file's {@link tandem.config.Redundancy.Timer}. {@link tandem.redundancy.ActiveProbes} are the
 * checkers a standby adds to watch its active (RED-9); {@link tandem.redundancy.LastImport} is the
 * standby's record of its newest import, from which the rules judge the age of its data. What these
 * observe is decided on in {@code rules/redundancy}.
 */
package tandem.redundancy;
