package tandem.actions;

/** A managed service's own start mode: whether the OS starts it at boot by itself (MS-1, SBS-10). */
public enum StartMode {
    /** The OS starts it at boot (systemd: enabled; Windows: automatic). Tandem must change this. */
    AUTOMATIC,
    /** Started only on request (systemd: disabled or static; Windows: manual). What Tandem wants. */
    MANUAL,
    /** Cannot be started at all (systemd: masked; Windows: disabled); a start will fail. */
    DISABLED,
    /** The OS gave an answer Tandem does not map. */
    UNKNOWN
}
