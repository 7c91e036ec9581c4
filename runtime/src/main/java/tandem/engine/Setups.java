package tandem.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tandem.config.Role;
import tandem.config.Checker;
import tandem.config.NodeConfig;
import tandem.config.Redundancy;
import tandem.config.When;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.facts.RedundancySettings;
import tandem.facts.Settings;
import tandem.redundancy.ActiveProbes;

/** Builds what the engine needs from a node's configuration. */
public final class Setups {
    /** The heartbeat link to the peer's main address. */
    public static final String LINK_MAIN = "link.main";
    /** The optional second heartbeat link. */
    public static final String LINK_SECOND = "link.second";
    /** The clock difference to the peer, down from {@code timings.max-clock-skew} on (MS-12, classify.drl). */
    public static final String CLOCK = "clock.peer";

    private Setups() {
    }

    /** @param transitions the table of the node's profile ({@link ProfileSpec#transitions()}) */
    public static EngineSetup of(NodeConfig c, Transitions transitions) {
        Map<String, ResourceSpec> resources = new LinkedHashMap<>();
        for (Checker ch : c.checkers()) {
            resources.put(ch.resource(), new ResourceSpec(ch.resource(), ch.critical(), ch.when() == When.ACTIVE));
        }
        // a standby's probes of its active (RED-9): they feed the rules' "completely down", never a failover
        for (Checker ch : ActiveProbes.of(c)) {
            resources.put(ch.resource(), new ResourceSpec(ch.resource(), false, false, true));
        }
        // the node's own virtual IP, checked in every state: the rules release one a node holds while not active
        tandem.checks.VipCheck.held(c).ifPresent(ch -> resources.put(ch.resource(),
                new ResourceSpec(ch.resource(), false, false)));
        // the witness only tells a dead peer from a cut link: never a reason to fail over by itself
        c.witness().ifPresent(w -> resources.put(w.resource(), new ResourceSpec(w.resource(), false, false)));
        // MS-7's heartbeat link resources and MS-12's clock check, reported by the peer link: shown
        // in the status table, never a reason to fail over (the peer's silence is, in classify.drl)
        resources.put(LINK_MAIN, new ResourceSpec(LINK_MAIN, false, false));
        if (c.peer().secondLink().isPresent()) {
            resources.put(LINK_SECOND, new ResourceSpec(LINK_SECOND, false, false));
        }
        resources.put(CLOCK, new ResourceSpec(CLOCK, false, false));
        long failover = c.timings().failoverTimeout().toMillis();
        Settings s = new Settings(c.node().id(), c.peer().id(), c.node().priority(), failover, c.timings().rise(),
                c.timings().fall(), c.witness().map(w -> w.resource()).orElse(null), c.replication().externalDatabase(),
                c.node().role() == Role.PRIMARY_ONLY, c.node().role() == Role.BACKUP_ONLY, c.node().backupLicense(),
                c.timings().heartbeatInterval().toMillis(), c.mail().isPresent(),
                failover + c.timings().dialTimeout().toMillis(), c.fencing().isPresent(),
                c.timings().maxClockSkew().toMillis(), c.rules().loopGuard().actions(),
                c.rules().loopGuard().within().toMillis());
        List<Object> facts = new java.util.ArrayList<>();
        redundancy(c).ifPresent(facts::add);
        rollback(c).ifPresent(facts::add);
        return new EngineSetup(s, resources, transitions, facts);
    }

    /** What the redundancy profile's rules read from YAML {@code redundancy:}, for a node that has it. */
    static Optional<RedundancySettings> redundancy(NodeConfig c) {
        return c.redundancy().map(r -> {
            Optional<Redundancy.Switchover> s = r.switchover();
            return new RedundancySettings(!r.active(), s.map(x -> x.downFor().toMillis()).orElse(0L),
                    s.map(Redundancy.Switchover::activeAddress).orElse(""),
                    ActiveProbes.pingResource(c).orElse(null), ActiveProbes.sshResource(c).orElse(null),
                    ActiveProbes.resources(c),
                    s.map(Redundancy.Switchover::checklist).orElse(List.of()),
                    s.map(x -> x.users().size()).orElse(0),
                    r.transfer().map(Redundancy.Transfer::attempts).orElse(0),
                    r.transfer().map(Redundancy.Transfer::mails).orElse(false));
        });
    }

    /** What the rollback's rules read from YAML {@code redundancy.rollback:}, for a standby (RED-12). */
    static Optional<tandem.facts.RollbackSettings> rollback(NodeConfig c) {
        return c.redundancy().filter(r -> !r.active()).map(r -> new tandem.facts.RollbackSettings(
                r.rollback().isPresent(), r.rollback().flatMap(Redundancy.Rollback::restoreCommand).isPresent(),
                r.switchover().map(Redundancy.Switchover::activeAddress).orElse("")));
    }
}
