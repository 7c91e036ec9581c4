package tandem.facts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where this node's guided rollback (RED-12) stands: the steps of its plan in order, each with its
 * outcome and when it got it. The plan (which steps, in which order, what each means) is written in
 * {@code rules/redundancy/rollback.drl}; the rules replace this fact as the steps run, are done and
 * are confirmed, and the node keeps it in {@code <state-dir>/rollback.json}
 * ({@code tandem.redundancy.RollbackRecord}), so a rollback goes on where it stood after a restart.
 *
 * <p>The current step is the first one the operator has not confirmed; a step runs only when every
 * step before it is confirmed (the rules say so, and refuse otherwise).
 *
 * @param started when the rollback started, epoch milliseconds
 * @param steps   the plan's steps in order
 * @param resumed true when read back at a node's start (a step then still {@link Status#RUNNING} was cut
 *                off by the restart: its outcome is unknown); false once the rules replaced it
 */
public record RollbackProgress(long started, List<Step> steps, boolean resumed) {

    /** What became of a step. */
    public enum Status {
        /** Not started. */
        PENDING,
        /** Tandem runs it: the action {@link Step#action} was asked for, its result is awaited. */
        RUNNING,
        /** Tandem did it; the operator confirms it before the next step may run. */
        DONE,
        /** Tandem tried and failed ({@link Step#detail} says why): run it again. */
        FAILED,
        /** The operator does it by hand ({@link Step#detail} says what), then confirms it. */
        BY_HAND,
        /** The operator confirmed it. */
        CONFIRMED;

        /** As the file and the status show it: {@code by-hand}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** The status of {@code label}, or null. */
        public static Status ofLabel(String label) {
            for (Status s : values()) {
                if (s.label().equals(label)) {
                    return s;
                }
            }
            return null;
        }
    }

    /**
     * One step of the plan.
     *
     * @param name   the step's name ({@code backup}); its action route, where Tandem runs it, is
     *               {@code action-rollback-<name>} or another action the rule names
     * @param title  what the step is, as the manual says it
     * @param status its outcome so far
     * @param action the action whose result ends a {@link Status#RUNNING} step, or empty
     * @param detail what the last outcome said (an action's detail, what to do by hand), or empty
     * @param at     when the step got its status, epoch milliseconds, or 0 while pending
     */
    public record Step(String name, String title, Status status, String action, String detail, long at) {
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(detail, "detail");
        }

        Step with(Status s, String a, String d, long t) {
            return new Step(name, title, s, a, d, t);
        }
    }

    public RollbackProgress {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a rollback has at least one step");
        }
        if (steps.stream().map(Step::name).distinct().count() != steps.size()) {
            throw new IllegalArgumentException("a rollback's step names are unique: " + steps.stream().map(Step::name).toList());
        }
    }

    /** A pending step of a plan. */
    public static Step step(String name, String title) {
        return new Step(name, title, Status.PENDING, "", "", 0);
    }

    /** A new rollback with {@code plan}'s steps, all pending. */
    public static RollbackProgress start(long at, List<Step> plan) {
        List<Step> fresh = new ArrayList<>();
        for (Step s : plan) {
            fresh.add(step(s.name(), s.title()));
        }
        return new RollbackProgress(at, fresh, false);
    }

    /** A plan's steps as one line: {@code 1) backup: ...; 2) address: ...}. */
    public static String outline(List<Step> plan) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < plan.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(plan.get(i).name()).append(": ")
                    .append(plan.get(i).title());
        }
        return sb.toString();
    }

    /** The first step not confirmed, or null when the rollback is complete. */
    public Step current() {
        for (Step s : steps) {
            if (s.status() != Status.CONFIRMED) {
                return s;
            }
        }
        return null;
    }

    /** The current step's name, or empty when the rollback is complete. */
    public String next() {
        Step s = current();
        return s == null ? "" : s.name();
    }

    /** The current step's status, or null when the rollback is complete. */
    public Status currentStatus() {
        Step s = current();
        return s == null ? null : s.status();
    }

    /** The current step runs: its action's result is awaited. */
    public boolean stepRunning() {
        return currentStatus() == Status.RUNNING;
    }

    /** The current step is done, by Tandem or by hand, and waits for the operator's confirmation. */
    public boolean stepAwaitsConfirmation() {
        return currentStatus() == Status.DONE || currentStatus() == Status.BY_HAND;
    }

    /** The current step has not run yet. */
    public boolean stepPending() {
        return currentStatus() == Status.PENDING;
    }

    /** The current step failed. */
    public boolean stepFailed() {
        return currentStatus() == Status.FAILED;
    }

    /** The current step may be run: it has not run yet, or it failed. */
    public boolean stepReady() {
        return stepPending() || stepFailed();
    }

    /** {@code step 3 of 9 (shutdown)}: the current step, for the sentences. */
    public String stepLabel() {
        return complete() ? "no step (complete)" : "step " + number() + " of " + steps.size() + " (" + next() + ")";
    }

    /** The action a running current step waits for, or empty. */
    public String currentAction() {
        Step s = current();
        return s == null ? "" : s.action();
    }

    /** The current step's detail, or empty. */
    public String currentDetail() {
        Step s = current();
        return s == null ? "" : s.detail();
    }

    /** The current step's number, counting from 1; 0 when complete. */
    public int number() {
        Step s = current();
        return s == null ? 0 : steps.indexOf(s) + 1;
    }

    /** Every step is confirmed. */
    public boolean complete() {
        return current() == null;
    }

    /** Whether step {@code name} has left {@link Status#PENDING}; false for a step the plan does not have. */
    public boolean begun(String name) {
        return steps.stream().anyMatch(s -> s.name().equals(name) && s.status() != Status.PENDING);
    }

    /** Whether step {@code name} is confirmed; false for a step the plan does not have. */
    public boolean confirmed(String name) {
        return steps.stream().anyMatch(s -> s.name().equals(name) && s.status() == Status.CONFIRMED);
    }

    /** The same progress as it reads back at a start ({@link #resumed}). */
    public RollbackProgress asResumed() {
        return new RollbackProgress(started, steps, true);
    }

    /** Step {@code name} runs: Tandem asked for {@code action}, whose result ends it. */
    public RollbackProgress running(String name, String action, long at) {
        return with(name, Status.RUNNING, action, "", at);
    }

    /** Step {@code name} ended: done or failed, with what its action said. */
    public RollbackProgress finished(String name, boolean ok, String detail, long at) {
        return with(name, ok ? Status.DONE : Status.FAILED, "", detail, at);
    }

    /** Step {@code name} is the operator's to do by hand: {@code what}. */
    public RollbackProgress byHand(String name, String what, long at) {
        return with(name, Status.BY_HAND, "", what, at);
    }

    /** The operator confirmed step {@code name}. */
    public RollbackProgress confirmed(String name, long at) {
        Step s = find(name);
        return with(name, Status.CONFIRMED, "", s.detail(), at);
    }

    private RollbackProgress with(String name, Status status, String action, String detail, long at) {
        List<Step> next = new ArrayList<>(steps);
        Step s = find(name);
        next.set(steps.indexOf(s), s.with(status, action, detail, at));
        return new RollbackProgress(started, next, false);
    }

    private Step find(String name) {
        for (Step s : steps) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no rollback step \"" + name + "\"; the steps are "
                + steps.stream().map(Step::name).toList());
    }

    /**
     * Every step on one line each, as {@code tandem command rollback --status} answers: its number, name,
     * status (the current one marked {@code next}), when, and what its outcome said.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(complete() ? "rollback complete" : "rollback at step " + number() + " of "
                + steps.size() + " (" + next() + ", " + currentStatus().label() + ")");
        sb.append(", started ").append(Instant.ofEpochMilli(started));
        Step cur = current();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            sb.append("\n  ").append(i + 1).append(". ").append(s.name()).append(": ").append(s.title()).append(" [")
                    .append(s == cur && s.status() == Status.PENDING ? "next" : s.status().label());
            if (s.at() > 0) {
                sb.append(" ").append(Instant.ofEpochMilli(s.at()));
            }
            sb.append("]");
            if (!s.detail().isEmpty()) {
                sb.append(" ").append(s.detail());
            }
        }
        return sb.toString();
    }
}
