/**
 * The redundancy profile's own parts (RED-1..RED-12): a warm standby fed by scheduled backups.
 * {@link tandem.redundancy.Schedule} computes when the active creates and transfers a backup, from
 * the node file's {@link tandem.config.Redundancy.Timer}. {@link tandem.redundancy.ActiveProbes} are the
 * checkers a standby adds to watch its active (RED-9); {@link tandem.redundancy.LastImport} is the
 * standby's record of its newest import, from which the rules judge the age of its data.
 * {@link tandem.redundancy.Backups} creates the active's full backups with their
 * {@link tandem.redundancy.Manifest} under the backup folder's lock (RED-5);
 * {@link tandem.redundancy.BackupTransfer} observes when a run is due and carries out a transfer's steps
 * (routes/redundancy/transfer.camel.yaml), recording {@link tandem.redundancy.LastTransfer};
 * {@link tandem.redundancy.StandbyImport} verifies and imports a backup on the standby ({@code tandem
 * import}, the action {@code standby-import}); {@link tandem.redundancy.ImportWatch} hands a new import
 * record to the running standby's engine. What these observe is decided on in {@code rules/redundancy}.
 */
package tandem.redundancy;
