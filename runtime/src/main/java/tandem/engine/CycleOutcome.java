package tandem.engine;

import java.util.List;
import tandem.facts.Decision;

/**
 * What one engine cycle did.
 *
 * @param applied decisions applied, in the order the rules made them
 * @param answers answers to operator commands observed in this cycle
 */
public record CycleOutcome(List<Decision> applied, List<CommandAnswer> answers) {

    /** The one sentence the run loop logs for this cycle (STYLE "One sentence per cycle"). */
    public String reason() {
        if (applied.isEmpty() && answers.isEmpty()) {
            return "no change";
        }
        StringBuilder sb = new StringBuilder();
        for (Decision d : applied) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(d.reason()).append(" (rule \"").append(d.rule()).append("\")");
        }
        return sb.toString();
    }

    /**
     * The rules' answer to an operator command.
     *
     * @param ticket  the number to ask what became of an accepted command by ({@link CommandTickets}); 0 when
     *                there is none (refused, or answered outside the engine's loop)
     * @param actions the actions the cycle that accepted it asked for, in order
     */
    public record CommandAnswer(String command, boolean accepted, String reason, String rule, long ticket,
            List<String> actions) {
        public CommandAnswer {
            actions = List.copyOf(actions);
        }

        public CommandAnswer(String command, boolean accepted, String reason, String rule) {
            this(command, accepted, reason, rule, 0, List.of());
        }

        /** This answer with its ticket and the actions it waits for. */
        public CommandAnswer withTicket(long id, List<String> started) {
            return new CommandAnswer(command, accepted, reason, rule, id, started);
        }
    }
}
