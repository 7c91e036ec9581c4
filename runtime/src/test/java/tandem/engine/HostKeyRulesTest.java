package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.config.ConfigLoader;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.ActionResult;

/**
 * rules/redundancy/hostkey.drl with the redundancy profile's rules and the sample nodes' setups: how
 * {@code trust-standby-key} is answered for each thing its route can observe of the standby's SSH host
 * key (RED-6). Only a confirmation naming the presented key's fingerprint records it.
 */
class HostKeyRulesTest {
    private static final String CMD = "trust-standby-key";
    private static final String FP = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8";
    private static final String OTHER_FP = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    private static final String KNOWN_HOSTS = "/var/lib/tandem/active/known_hosts";

    private static RuleSet rules;
    private static EngineSetup active;
    private static EngineSetup standby;

    private final List<EngineEvent> events = new ArrayList<>();
    private final List<ActionRequest> actions = new ArrayList<>();

    @BeforeAll
    static void compile() {
        ProfileSpec profile = ProfileSpec.load(Fixtures.home(), "redundancy");
        rules = RuleSet.compile(profile.ruleFolders());
        active = Setups.of(ConfigLoader.load(Fixtures.home().resolve("samples/redundancy/active.yaml")),
                profile.transitions());
        standby = Setups.of(ConfigLoader.load(Fixtures.home().resolve("samples/redundancy/standby.yaml")),
                profile.transitions());
    }

    private Engine boot(EngineSetup setup) {
        Engine e = Fixtures.engine(rules, setup, new NodeStore.InMemory(), events, actions);
        e.boot(false);
        e.linkListening();
        actions.clear();
        return e;
    }

    /** What the command route observed: the standby presents ssh-ed25519 {@link #FP}. */
    private static Map<String, String> presented(String status, String... operator) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < operator.length; i += 2) {
            args.put(operator[i], operator[i + 1]);
        }
        args.put("presented-address", "192.168.10.21:22");
        args.put("presented-type", "ssh-ed25519");
        args.put("presented-fingerprint", FP);
        args.put("presented-status", status);
        if (status.equals("changed")) {
            args.put("known-keys", "ssh-ed25519 " + OTHER_FP + " (" + KNOWN_HOSTS + ":1)");
        }
        args.put("known-hosts", KNOWN_HOSTS);
        return args;
    }

    private CommandAnswer ask(Engine e, Map<String, String> args) {
        return e.command(CMD, "cli", args).answers().stream().filter(a -> a.command().equals(CMD)).findFirst()
                .orElseThrow();
    }

    @Test
    void anUnknownKeyIsShownWithItsFingerprintAndHowToConfirmIt() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, presented("unknown"));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).isEqualTo("the standby 192.168.10.21:22 presents ssh-ed25519 " + FP + ", which "
                + KNOWN_HOSTS + " does not hold yet. Compare it with the fingerprint the standby shows itself (on the"
                + " standby: ssh-keygen -lf on its /etc/ssh/ssh_host_*_key.pub), then confirm with: tandem command"
                + " trust-standby-key --confirm --fingerprint " + FP);
        assertThat(actions).isEmpty();
    }

    @Test
    void aConfirmationWithoutTheFingerprintRecordsNothing() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, presented("unknown", "confirm", "true"));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).endsWith("--confirm --fingerprint " + FP);
        assertThat(actions).isEmpty();
    }

    @Test
    void theConfirmedFingerprintOfThePresentedKeyRecordsIt() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, presented("unknown", "confirm", "true", "fingerprint", FP));

        assertThat(a.accepted()).isTrue();
        assertThat(a.rule()).isEqualTo("Operator trusts the standby's key");
        assertThat(a.reason()).isEqualTo("trust-standby-key (cli): recording ssh-ed25519 " + FP
                + " of the standby 192.168.10.21:22 in " + KNOWN_HOSTS + " (RED-6)");
        assertThat(actions).extracting(ActionRequest::action).containsExactly("record-standby-key");
    }

    @Test
    void aFingerprintTheStandbyDoesNotPresentIsRefused() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, presented("unknown", "confirm", "true", "fingerprint", OTHER_FP));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).isEqualTo("the standby 192.168.10.21:22 presents ssh-ed25519 " + FP + ", not the"
                + " confirmed " + OTHER_FP + ": nothing recorded. Compare the presented key again before confirming it");
        assertThat(actions).isEmpty();
    }

    @Test
    void aChangedKeyIsShownWithTheOldOneAndReplacesItOnlyOnceConfirmed() {
        Engine e = boot(active);

        CommandAnswer shown = ask(e, presented("changed"));

        assertThat(shown.accepted()).isFalse();
        assertThat(shown.reason()).startsWith("the standby's host key has CHANGED: 192.168.10.21:22 presents ssh-ed25519 "
                + FP + ", but " + KNOWN_HOSTS + " holds ssh-ed25519 " + OTHER_FP + " (" + KNOWN_HOSTS + ":1). This may"
                + " be an attack").endsWith("--confirm --fingerprint " + FP);
        assertThat(actions).isEmpty();
        assertThat(ask(e, presented("changed", "confirm", "true", "fingerprint", OTHER_FP)).accepted())
                .as("the old key's fingerprint is not the presented one").isFalse();
        assertThat(actions).isEmpty();

        CommandAnswer confirmed = ask(e, presented("changed", "confirm", "true", "fingerprint", FP));

        assertThat(confirmed.accepted()).isTrue();
        assertThat(confirmed.reason()).endsWith(", replacing ssh-ed25519 " + OTHER_FP + " (" + KNOWN_HOSTS + ":1) (RED-6)");
        assertThat(actions).extracting(ActionRequest::action).containsExactly("record-standby-key");
    }

    @Test
    void aKeyTrustedAlreadyNeedsNothing() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, presented("known", "confirm", "true", "fingerprint", FP));

        assertThat(a.accepted()).isTrue();
        assertThat(a.reason()).endsWith("which " + KNOWN_HOSTS + " trusts already: nothing to record");
        assertThat(actions).isEmpty();
    }

    @Test
    void aRevokedKeyIsNeverTrustedEvenWhenConfirmed() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, presented("revoked", "confirm", "true", "fingerprint", FP));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("marks @revoked: a revoked key is never trusted");
        assertThat(actions).isEmpty();
    }

    @Test
    void aStandbyThatCannotBeReachedIsNamedInTheRefusal() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, Map.of("confirm", "true", "fingerprint", FP, "presented-error",
                "cannot connect to ssh 192.168.10.21:22: connection refused"));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).isEqualTo("the standby's host key could not be read: cannot connect to ssh"
                + " 192.168.10.21:22: connection refused");
        assertThat(actions).isEmpty();
    }

    @Test
    void withoutTheObservationNothingIsTrusted() {
        Engine e = boot(active);

        CommandAnswer a = ask(e, Map.of("confirm", "true", "fingerprint", FP));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).contains("the key the standby presents was not read");
        assertThat(actions).isEmpty();
    }

    @Test
    void theStandbyRefusesTheCommand() {
        Engine e = boot(standby);

        CommandAnswer a = ask(e, Map.of("confirm", "true", "fingerprint", FP));

        assertThat(a.accepted()).isFalse();
        assertThat(a.reason()).isEqualTo("this node is the standby: the active checks the standby's SSH host key, so"
                + " trust-standby-key is run on the active");
        assertThat(actions).isEmpty();
    }

    @Test
    void aKeyThatCouldNotBeRecordedIsReported() {
        Engine e = boot(active);
        ask(e, presented("unknown", "confirm", "true", "fingerprint", FP));
        events.clear();

        e.actionResult(new ActionResult("record-standby-key", false, "the standby 192.168.10.21:22 presents"
                + " ssh-ed25519 " + OTHER_FP + " now, not the confirmed " + FP + ": nothing recorded", e.now()));

        assertThat(events).extracting(EngineEvent::reason).contains("the standby's host key was not recorded: the"
                + " standby 192.168.10.21:22 presents ssh-ed25519 " + OTHER_FP + " now, not the confirmed " + FP
                + ": nothing recorded");
    }
}
