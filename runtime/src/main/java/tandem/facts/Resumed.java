package tandem.facts;

/**
 * This node's engine did not run for {@code gapMs}, by the monotonic clock, and runs again since
 * {@code at} (session time): the process was frozen (SIGSTOP, a paused VM, a stall), so its peer heard
 * nothing from it meanwhile and this node heard nothing from its peer. The engine inserts it before it
 * handles anything else after the pause; the next pause replaces it.
 *
 * @param at    session time when the engine ran again
 * @param gapMs how long it did not run
 */
public record Resumed(long at, long gapMs) {
}
