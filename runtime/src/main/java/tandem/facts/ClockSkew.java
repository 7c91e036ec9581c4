package tandem.facts;

/**
 * How far the peer's clock is from this node's, as the peer link measured it at the peer's last
 * heartbeat (MS-12). An observation that lives for one round of rule firing: the rules decide whether
 * the difference is too large (classify.drl, {@code timings.max-clock-skew}) and turn it into the
 * check result of {@code resource}.
 *
 * @param resource the resource that shows the clock in the status table ({@code clock.peer})
 * @param millis   the peer's clock minus this node's, in milliseconds
 * @param at       when it was reported
 */
public record ClockSkew(String resource, long millis, long at) implements Reading {
}
