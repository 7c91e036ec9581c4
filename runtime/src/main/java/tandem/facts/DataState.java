package tandem.facts;

/** Whether a node holds the newest data of the pair (MS-2). Shown as {@code uptodate} / {@code not uptodate}. */
public enum DataState {
    UPTODATE("uptodate"), NOT_UPTODATE("not uptodate");

    private final String label;

    DataState(String label) {
        this.label = label;
    }

    /** The words the manual and the console use. */
    public String label() {
        return label;
    }

    public static DataState ofLabel(String label) {
        for (DataState d : values()) {
            if (d.label.equals(label)) {
                return d;
            }
        }
        throw new IllegalArgumentException("data state must be \"uptodate\" or \"not uptodate\", got \"" + label + "\"");
    }
}
