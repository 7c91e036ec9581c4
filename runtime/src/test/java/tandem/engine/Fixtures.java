package tandem.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.facts.Settings;

/** Named fixtures for engine tests. */
final class Fixtures {
    private Fixtures() {
    }

    static Path home() {
        return Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    /** The shipped ms-failover profile: its descriptor, read from the installation folder. */
    static ProfileSpec msFailover() {
        return ProfileSpec.load(home(), "ms-failover");
    }

    /** The ms-failover transition table, as its descriptor has it. */
    /** The ms-failover profile's rule folders, then {@code site}. */
    static java.util.List<Path> msFailoverFolders(java.util.List<Path> site) {
        java.util.List<Path> all = new java.util.ArrayList<>(msFailover().ruleFolders());
        all.addAll(site);
        return all;
    }

    static Transitions msFailoverTable() {
        return msFailover().transitions();
    }

    /** node1 of a pair with node2, 30 s failover timeout, rise 2, fall 3, no witness, no resources. */
    static EngineSetup node1() {
        return new EngineSetup(new Settings("node1", "node2", 100, 30_000, 2, 3, null, false), Map.of(),
                msFailoverTable());
    }

    /** The real ms-failover rules. */
    static RuleSet msFailoverRules() {
        return RuleSet.compile(msFailover().ruleFolders());
    }

    /** {@code samples/<profile>/node1.yaml} with {@code extra} appended, read as {@code node1.yaml} in its folder. */
    static tandem.config.NodeConfig sampleConfig(String profile, String extra) {
        Path dir = home().resolve("samples").resolve(profile);
        try {
            return tandem.config.ConfigLoader.parse("node1.yaml", Files.readString(dir.resolve("node1.yaml")) + extra, dir,
                    Map.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** How many lines {@code samples/<profile>/node1.yaml} has. */
    static int sampleLines(String profile) {
        try {
            return Files.readAllLines(home().resolve("samples").resolve(profile).resolve("node1.yaml")).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A folder holding the given DRL files (name, text, name, text, ...). */
    static Path drlFolder(Path tmp, String... nameAndText) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rules-" + nameAndText[0].replace('.', '-')));
        for (int i = 0; i < nameAndText.length; i += 2) {
            Files.writeString(dir.resolve(nameAndText[i]), nameAndText[i + 1]);
        }
        return dir;
    }

    /** An engine on a pseudo clock whose events are collected into {@code events}. */
    static Engine engine(RuleSet rules, EngineSetup setup, NodeStore store, List<EngineEvent> events,
                         List<ActionPort.ActionRequest> actions) {
        return new Engine(rules.kieBase(), setup, true, store, actions::add, events::add);
    }

    static Engine engine(RuleSet rules, List<EngineEvent> events) {
        return engine(rules, node1(), new NodeStore.InMemory(), events, new ArrayList<>());
    }

    /** A heartbeat of node1's peer, node2 (priority 50). */
    static Heartbeat peer(NodeState s, DataState d, long generation, boolean holding) {
        return new Heartbeat("node2", s, d, generation, holding, 50, 0);
    }

    /**
     * node1 booted with its peer link listening and no peer heard: at 30 s, the failover timeout, it
     * has gone alone and asked for vip-up and start-services.
     */
    static Engine aloneWithoutPeer(RuleSet rules, List<EngineEvent> events, List<ActionPort.ActionRequest> actions) {
        Engine e = engine(rules, node1(), new NodeStore.InMemory(), events, actions);
        e.boot(false);
        e.linkListening();
        e.advanceTo(30_000);
        e.tick();
        return e;
    }
}
