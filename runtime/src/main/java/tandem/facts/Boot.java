package tandem.facts;

/**
 * When this node's engine booted, and what it was when it last ran. The peer's silence is not counted
 * from here but from {@link LinkListening}: the engine boots before the peer link can hear anything.
 * The rules decide what the last state means for the data (rules/pair/boot.drl: a node that died while
 * paired may have been left behind by its peer).
 *
 * @param at        session time of the boot
 * @param lastState the state this node saved last, or null on a fresh installation
 * @param lastData  the data state it saved last, or null on a fresh installation
 */
public record Boot(long at, NodeState lastState, DataState lastData) {

    /** True when nothing was saved before: a fresh installation. */
    public boolean fresh() {
        return lastState == null;
    }
}
