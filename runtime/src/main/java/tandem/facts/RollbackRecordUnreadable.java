package tandem.facts;

/**
 * {@code <state-dir>/rollback.json} exists but cannot be read as a rollback's progress
 * ({@code tandem.redundancy.RollbackRecord}): the rules refuse to run or confirm a step until it is
 * fixed or moved away, and say which file and field are at fault.
 *
 * @param detail {@code FILE: field: message}
 */
public record RollbackRecordUnreadable(String detail) {
}
