package tandem.facts;

import java.util.Map;

/**
 * An operator's command (start, stop, swap, ...), from the CLI, JMX, the console or the peer (a swap
 * issued on the secondary is passed to the primary), with the arguments the operator gave
 * ({@code tandem command standby-import --file F --confirm}). The rules accept or refuse it; it lives for
 * one round of rule firing. A rule reads the arguments with {@link #arg}, {@link #has} and {@link #args}:
 * {@code OperatorCommand(name == "standby-import", has("confirm"), $file : arg("file"))}.
 *
 * @param name   command name: one of the node's command routes ({@code command-<name>})
 * @param origin who issued it: "cli", "jmx", "console", "peer node2", "scenario"
 * @param at     session time
 * @param args   the arguments, name -> value in the order given (a bare flag has the value "true"); checked
 *               by {@link CommandArgs}
 */
public record OperatorCommand(String name, String origin, long at, Map<String, String> args) {

    public OperatorCommand {
        args = CommandArgs.checked(args);
    }

    /** A command without arguments. */
    public OperatorCommand(String name, String origin, long at) {
        this(name, origin, at, Map.of());
    }

    /** The value of argument {@code name}, or null when the command lacks it. */
    public String arg(String name) {
        return args.get(name);
    }

    /** Whether the command carries argument {@code name} (a flag such as {@code --confirm}, or any value). */
    public boolean has(String name) {
        return args.containsKey(name);
    }
}
