package tandem.facts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.runtime.rule.RuleContext;

/**
 * What a rule decided, inserted in the rule's {@code then} and collected by the engine: a state
 * transition, a data-state change, actions to run, the answer to an operator command, or what the
 * managed services are doing now. Built fluently in the rule:
 * <pre>insert(Decision.by(drools).to(NodeState.ALONE).act("vip-up", "start-services").because("..."));</pre>
 *
 * @param rule       name of the rule that made it
 * @param to         new node state, or null
 * @param data       new data state, or null
 * @param generation new generation (adopted from the peer after a resync), or null
 * @param actions    actions to run, in order
 * @param reason     the sentence the log, the audit and the simulation print
 * @param command    the operator command this answers, or null
 * @param refused    true when the answer to {@code command} is "no" ({@code reason} says why)
 * @param quiet      a routine decision (e.g. one more replication cycle while paired): logged at DEBUG
 *                   and kept out of the commands log, so that the logs show what changed; the loop guard
 *                   does not count its actions (they are paced by the observations they answer)
 * @param services   what the managed services are doing from now on ({@link Services}), or null; a
 *                   decision that only sets it is the engine's bookkeeping, not an applied decision of
 *                   the cycle
 * @param args       what the actions need to know beyond the request (e.g. {@code file}, the backup a
 *                   standby import reads), name -> value; set with {@link #with}, carried in every
 *                   request of this decision
 */
public record Decision(String rule, NodeState to, DataState data, Long generation, List<String> actions,
                       String reason, String command, boolean refused, boolean quiet, Activity services,
                       Map<String, String> args) {

    public Decision {
        actions = List.copyOf(actions);
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    public static Decision by(RuleContext drools) {
        return by(drools.getRule().getName());
    }

    public static Decision by(String rule) {
        return new Decision(rule, null, null, null, List.of(), "", null, false, false, null, Map.of());
    }

    public Decision to(NodeState s) {
        return new Decision(rule, s, data, generation, actions, reason, command, refused, quiet, services, args);
    }

    public Decision data(DataState d) {
        return new Decision(rule, to, d, generation, actions, reason, command, refused, quiet, services, args);
    }

    public Decision generation(long g) {
        return new Decision(rule, to, data, g, actions, reason, command, refused, quiet, services, args);
    }

    public Decision act(String... more) {
        List<String> all = new ArrayList<>(actions);
        Collections.addAll(all, more);
        return new Decision(rule, to, data, generation, all, reason, command, refused, quiet, services, args);
    }

    /** Accepts the operator command {@code name}. */
    public Decision accepts(String name) {
        return new Decision(rule, to, data, generation, actions, reason, name, false, quiet, services, args);
    }

    /** Refuses the operator command {@code name}; {@link #because} says why. */
    public Decision refuses(String name) {
        return new Decision(rule, to, data, generation, actions, reason, name, true, quiet, services, args);
    }

    /** Marks a routine decision (see {@code quiet}); it may only run actions, not change the node. */
    public Decision quietly() {
        return new Decision(rule, to, data, generation, actions, reason, command, refused, true, services, args);
    }

    /**
     * Sets what the managed services are doing ({@link Services}). The engine ends the round of firing
     * at such a decision and applies it at once, so that the rules after it see the new activity.
     */
    public Decision services(Activity a) {
        return new Decision(rule, to, data, generation, actions, reason, command, refused, quiet, a, args);
    }

    /**
     * Hands {@code value} to the decision's actions as argument {@code name} (e.g. the file an operator
     * named: {@code .with("file", $file)}); the action's route reads it from its request.
     */
    public Decision with(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(args);
        all.put(name, value);
        return new Decision(rule, to, data, generation, actions, reason, command, refused, quiet, services, all);
    }

    public Decision because(String sentence) {
        return new Decision(rule, to, data, generation, actions, sentence, command, refused, quiet, services, args);
    }
}
