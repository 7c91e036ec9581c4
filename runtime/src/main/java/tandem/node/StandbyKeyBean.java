package tandem.node;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import tandem.config.NodeConfig;
import tandem.config.Redundancy;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.transfer.HostKeyTrust;
import tandem.transfer.SshTarget;
import tandem.transfer.TransferException;

/**
 * The {@code standby-key} bean of the redundancy profile's routes: the standby's SSH host key as the
 * active sees it (RED-6). The command route {@code command-trust-standby-key} first asks {@link #observe}
 * for the key the standby presents now, which it hands to the rules as the command's arguments; the
 * rules ({@code rules/redundancy/hostkey.drl}) compare it with what the operator confirmed, and the
 * action route {@code action-record-standby-key} has {@link #record} write it to the known_hosts file.
 * On a node without {@code redundancy.standby} (the standby itself) nothing is observed and the rules
 * refuse the command.
 */
public final class StandbyKeyBean {
    public static final String BEAN = "standby-key";

    /** The arguments this bean adds; an operator's arguments of these names are dropped. */
    public static final String ADDRESS = "presented-address";
    public static final String TYPE = "presented-type";
    public static final String FINGERPRINT = "presented-fingerprint";
    public static final String STATUS = "presented-status";
    public static final String ERROR = "presented-error";
    public static final String KNOWN_KEYS = "known-keys";
    public static final String KNOWN_HOSTS = "known-hosts";
    /** The operator's argument naming the fingerprint they compared ({@code --fingerprint SHA256:...}). */
    public static final String CONFIRMED = "fingerprint";

    /** Connecting, the key exchange: an operator waits for the answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Optional<SshTarget> target;
    private final Clock clock;
    /** The key the operator named by its fingerprint in the last command that saw it presented. */
    private final AtomicReference<HostKeyTrust.Observed> named = new AtomicReference<>();

    public StandbyKeyBean(Optional<SshTarget> target, Clock clock) {
        this.target = target;
        this.clock = clock;
    }

    /** The bean of a node: the standby's address and known_hosts file from {@code redundancy.standby}. */
    public static StandbyKeyBean of(NodeConfig c, Clock clock) {
        return new StandbyKeyBean(c.redundancy().flatMap(Redundancy::standby).map(StandbyKeyBean::target), clock);
    }

    /** How the active reaches the standby's SSH server (no login is made here: only its key is read). */
    static SshTarget target(Redundancy.StandbyAccess s) {
        return new SshTarget(s.address(), s.sshPort(), s.user(), s.password().map(p -> p.reveal()).orElse(null),
                s.key().orElse(null), s.knownHosts(), TIMEOUT);
    }

    /**
     * The command's arguments with what the standby presents now: {@value #ADDRESS}, {@value #TYPE},
     * {@value #FINGERPRINT}, {@value #STATUS} ({@code known}, {@code unknown}, {@code changed},
     * {@code revoked}), {@value #KNOWN_KEYS} (for a changed key, the keys the file holds for the standby)
     * and {@value #KNOWN_HOSTS} (the file); or {@value #ERROR} when the standby could not be reached.
     * Nothing is added on a node without {@code redundancy.standby}.
     *
     * @param args the operator's arguments ({@code --confirm}, {@code --fingerprint SHA256:...}); null for none
     */
    public Map<String, String> observe(Map<String, String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args != null) {
            args.forEach((name, value) -> {
                if (name == null || !(name.startsWith("presented-") || name.startsWith("known-"))) {
                    out.put(name, value);
                }
            });
        }
        if (target.isEmpty()) {
            return out;
        }
        try {
            HostKeyTrust.Observed o = HostKeyTrust.observe(target.get());
            out.put(ADDRESS, o.address());
            out.put(TYPE, o.keyType());
            out.put(FINGERPRINT, o.fingerprint());
            out.put(STATUS, o.status().word());
            if (!o.others().isEmpty()) {
                out.put(KNOWN_KEYS, String.join(", ", o.others()));
            }
            out.put(KNOWN_HOSTS, o.knownHosts().toString());
            if (o.fingerprint().equals(out.get(CONFIRMED))) {
                // what record() may write: only a key whose fingerprint the operator typed
                named.set(o);
            }
        } catch (TransferException e) {
            out.put(ERROR, e.getMessage());
        }
        return out;
    }

    /**
     * Makes the key the operator confirmed the one trusted for the standby ({@link HostKeyTrust#trust}),
     * provided the standby still presents it: a key that changed since the confirmation is not written.
     */
    public ActionResult record(ActionRequest request) {
        HostKeyTrust.Observed confirmed = named.getAndSet(null);
        if (target.isEmpty() || confirmed == null) {
            return new ActionResult(request.action(), false, "no confirmed host key of the standby to record",
                    clock.millis());
        }
        SshTarget t = target.get();
        try {
            HostKeyTrust.Observed now = HostKeyTrust.observe(t);
            if (!now.fingerprint().equals(confirmed.fingerprint())) {
                return new ActionResult(request.action(), false, "the standby " + t.address() + " presents "
                        + now.keyType() + " " + now.fingerprint() + " now, not the confirmed " + confirmed.fingerprint()
                        + ": nothing recorded", clock.millis());
            }
            HostKeyTrust.trust(t.knownHosts(), t.host(), t.port(), confirmed.key());
            return new ActionResult(request.action(), true, "recorded " + confirmed.keyType() + " "
                    + confirmed.fingerprint() + " for " + t.address() + " in " + t.knownHosts(), clock.millis());
        } catch (TransferException e) {
            return new ActionResult(request.action(), false, e.getMessage(), clock.millis());
        }
    }
}
