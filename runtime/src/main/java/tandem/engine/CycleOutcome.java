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

    /** The rules' answer to an operator command. */
    public record CommandAnswer(String command, boolean accepted, String reason, String rule) {
    }
}
