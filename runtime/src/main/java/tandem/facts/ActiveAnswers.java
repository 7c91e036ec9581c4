package tandem.facts;

/**
 * Derived (rules/redundancy/classify.drl, insertLogical), on a standby: one of the ways the active can
 * be heard has not been silent for {@code switchover.down-for} (RED-9), so a switchover is not allowed.
 *
 * @param channel {@code heartbeat}, {@code ping} or {@code ssh}, the order a refusal names them in
 * @param detail  what was heard, or for how long it has been silent, as a refusal shows it
 */
public record ActiveAnswers(String channel, String detail) {

    /** The channels in the order a refusal names them. */
    private static final java.util.List<String> ORDER = java.util.List.of("heartbeat", "ping", "ssh");

    /** {@code answers} as one sentence, in the order heartbeat, ping, ssh: "heartbeat: ...; ping: ...". */
    public static String describe(java.util.Collection<?> answers) {
        return answers.stream().map(ActiveAnswers.class::cast)
                .sorted(java.util.Comparator.comparingInt((ActiveAnswers a) -> ORDER.indexOf(a.channel()))
                        .thenComparing(ActiveAnswers::detail))
                .map(a -> a.channel() + " " + a.detail())
                .collect(java.util.stream.Collectors.joining("; "));
    }
}
