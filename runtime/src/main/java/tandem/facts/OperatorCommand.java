package tandem.facts;

/**
 * An operator's command (start, stop, swap, ...), from the CLI, JMX, the console or the peer (a swap
 * issued on the secondary is passed to the primary). The rules accept or refuse it; it lives for one
 * round of rule firing.
 *
 * @param name   command name: one of the node's command routes ({@code command-<name>})
 * @param origin who issued it: "cli", "jmx", "console", "peer node2", "scenario"
 * @param at     session time
 */
public record OperatorCommand(String name, String origin, long at) {
}
