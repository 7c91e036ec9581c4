package tandem.facts;

/**
 * {@code <state-dir>/last-import.json} exists but cannot be read as the import's record: the age of
 * this standby's data is unknown (rules/redundancy/classify.drl says so).
 *
 * @param detail {@code FILE: field: message}
 */
public record ImportRecordUnreadable(String detail) {
}
