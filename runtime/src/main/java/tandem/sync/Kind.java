package tandem.sync;

/** What a manifest {@link Entry} is: a regular file or a directory (symbolic links are never replicated). */
public enum Kind {
    FILE,
    DIR
}
