package tandem.facts;

import java.util.Objects;

/**
 * The newest backup of the active this standby imported, as its import recorded it in
 * {@code <state-dir>/last-import.json} ({@code tandem.redundancy.LastImport}); absent when none was
 * imported. The rules judge the data's age from it (rules/redundancy/classify.drl: older than two of the
 * active's schedule intervals is not uptodate).
 *
 * @param at         when the import finished, epoch milliseconds
 * @param name       the backup archive's file name
 * @param intervalMs the active's schedule interval the backup was made under (its next backup is due
 *                   that long after this one), in milliseconds
 */
public record BackupImported(long at, String name, long intervalMs) {
    public BackupImported {
        Objects.requireNonNull(name, "name");
    }
}
