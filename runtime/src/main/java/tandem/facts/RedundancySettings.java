package tandem.facts;

import java.util.List;
import java.util.Objects;

/**
 * The values of YAML {@code redundancy:} the redundancy profile's rules read, as one fact beside
 * {@link Settings} (present only on a node of that profile). What they mean (when the active counts as
 * down, what a switchover does) is written in {@code rules/redundancy}, not here.
 *
 * @param standby       {@code role: standby}: the node never runs the appliance's modules until an
 *                      operator's switchover (RED-8, RED-9); false for the active
 * @param downForMs     {@code switchover.down-for}: how long the active must have been silent on every
 *                      channel (heartbeat, ping, SSH) before a switchover is allowed (RED-9); 0 on the active
 * @param activeAddress {@code switchover.active-address}: the active's IPv4 address, which a switchover
 *                      takes over; empty on the active
 * @param pingResource  the resource that pings the active's address, or null on the active and on a standby
 *                      whose {@code switchover.probes} leave ping out
 * @param sshResource   the resource that opens a TCP connection to the active's SSH port, or null on the active
 *                      and on a standby whose {@code switchover.probes} leave ssh out
 * @param probeResources the resources of every probe of the active that exists (pingResource and sshResource
 *                      when not null, in that order): the channels, besides the heartbeat, that must all be
 *                      silent for the active to count as completely down (RED-9); empty on the active
 * @param checklist     {@code switchover.checklist}: the hardware an admin moves by hand before a switchover (RED-11)
 * @param users         how many addresses the phone-restart mail goes to after a switchover (RED-10)
 * @param attempts      {@code transfer.attempts}: how often a backup transfer is tried before it counts as
 *                      failed (RED-4); 0 on the standby
 * @param transferMails {@code transfer.mails}: whether a failed transfer is reported by mail to
 *                      {@code transfer.error-to} (RED-4); false on the standby
 */
public record RedundancySettings(boolean standby, long downForMs, String activeAddress, String pingResource,
                                 String sshResource, List<String> probeResources, List<String> checklist, int users,
                                 int attempts, boolean transferMails) {
    public RedundancySettings {
        Objects.requireNonNull(activeAddress, "activeAddress");
        probeResources = List.copyOf(probeResources);
        checklist = List.copyOf(checklist);
    }

    /** The channel a probe resource stands for, as a refusal names it: {@code ping} or {@code ssh}. */
    public String channel(String resource) {
        return resource.equals(pingResource) ? "ping" : "ssh";
    }

    /** The channels that must all stay silent, for a reason: "heartbeat, ping and SSH", "heartbeat and SSH". */
    public String silentChannels() {
        List<String> names = new java.util.ArrayList<>(List.of("heartbeat"));
        if (pingResource != null) {
            names.add("ping");
        }
        if (sshResource != null) {
            names.add("SSH");
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** What was not heard, for a reason: "no heartbeat, no ping answer, no SSH answer". */
    public String silence() {
        return "no heartbeat" + (pingResource != null ? ", no ping answer" : "")
                + (sshResource != null ? ", no SSH answer" : "");
    }

    /** The checklist as one sentence for a reason: "1) ...; 2) ...", or "none configured". */
    public String checklistText() {
        if (checklist.isEmpty()) {
            return "none configured";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < checklist.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(checklist.get(i));
        }
        return sb.toString();
    }
}
