package tandem.link;

/** A received frame that is not delivered, with the reason counted and the detail logged. */
final class Dropped extends Exception {
    private final DropReason reason;

    Dropped(DropReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    DropReason reason() {
        return reason;
    }
}
