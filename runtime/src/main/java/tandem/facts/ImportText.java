package tandem.facts;

/** Sentences of the standby import's answers (rules/redundancy/import.drl), written once for its rules. */
public final class ImportText {
    private ImportText() {
    }

    /** Why an unconfirmed standby-import is refused: what it would overwrite, and how to confirm it. */
    public static String unconfirmed(String file, String overwritten) {
        return "standby-import overwrites this standby's appliance data, " + overwritten + ", with " + file
                + " (redundancy.import.command), after verifying it (license, version, SHA-256); confirm with:"
                + " tandem command standby-import --file " + file + " --confirm (RED-7)";
    }
}
