/**
 * The redundancy profile's own parts (RED-1..RED-12): a warm standby fed by scheduled backups.
 * {@link tandem.redundancy.Schedule} computes when the active creates and transfers a backup, from
 * the node file's {@link tandem.config.Redundancy.Timer}.
 */
package tandem.redundancy;
