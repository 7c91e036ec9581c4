package tandem.facts;

/**
 * Inserted by the rules when a sync cycle of an uptodate secondary failed: the copy is still whole
 * (files are replaced atomically) but may fall behind. Removed by the next good cycle. Only when the
 * failures outlast the failover timeout while the primary is still there is the copy called not
 * uptodate: a primary that dies in the middle of a cycle must not cost the secondary its takeover.
 *
 * @param since when the first failure of this run happened (engine clock, ms)
 * @param why   the last failure's reason
 */
public record SyncFailing(long since, String why) {
}
