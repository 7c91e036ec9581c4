package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.os.Commands;
import tandem.actions.ManagedService;
import tandem.actions.ServiceSet;
import tandem.actions.StartMode;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/** The services bean: results named after the request, the post-takeover hook first, no guessing. */
class ServicesBeanTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private ManagedService service(String name) {
        return new ManagedService() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(Duration timeout) {
                calls.add("start " + name);
            }

            @Override
            public void stop(Duration timeout) {
                calls.add("stop " + name);
            }

            @Override
            public boolean running() {
                return false;
            }

            @Override
            public StartMode startMode() {
                return StartMode.MANUAL;
            }

            @Override
            public void setManualStartMode() {
            }
        };
    }

    private ServicesBean bean(String hook, int hookExit, Optional<List<String>> reported) throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "services-bean-test-secret-0123456789\n");
        Files.writeString(dir.resolve("node2.yaml"), """
                node: {id: node2, profile: sbs, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: 7402}
                peer: {id: node1, address: 127.0.0.1, port: 7401}
                """ + (hook == null ? "" : "replication: {post-takeover: \"" + hook + "\"}\n"));
        NodeConfig c = ConfigLoader.load(dir.resolve("node2.yaml"));
        Commands commands = (argv, timeout) -> {
            calls.add("run " + argv.get(argv.size() - 1));
            return new Commands.Result(hookExit, "", hookExit == 0 ? "" : "no dump to restore", false);
        };
        ServiceSet set = ServiceSet.of(List.of(
                new ServiceSet.Member(service("management"), Duration.ofSeconds(60), Duration.ofSeconds(30)),
                new ServiceSet.Member(service("event"), Duration.ofSeconds(60), Duration.ofSeconds(30))));
        return new ServicesBean(c, set, () -> reported, commands, CLOCK);
    }

    private static ActionRequest request(String action) {
        return new ActionRequest(action, "rule", "why", 1);
    }

    @Test
    void eachResultIsNamedAfterTheRequestAndTheHookRunsBeforeTheStart() throws Exception {
        ServicesBean bean = bean("restore-dump", 0, Optional.empty());

        assertThat(bean.start(request("site-start"))).isEqualTo(
                new ActionResult("site-start", true, "started management, event", 5_000));
        assertThat(bean.stop(request("site-stop"))).isEqualTo(
                new ActionResult("site-stop", true, "stopped event, management", 5_000));
        assertThat(calls).containsExactly("run restore-dump", "start management", "start event",
                "stop event", "stop management");
    }

    @Test
    void aFailedHookStartsNothing() throws Exception {
        ActionResult r = bean("restore-dump", 2, Optional.empty()).start(request("start-services"));

        assertThat(r).isEqualTo(new ActionResult("start-services", false,
                "the post-takeover hook failed (exit code 2: no dump to restore); services not started", 5_000));
        assertThat(calls).containsExactly("run restore-dump");
    }

    @Test
    void startReportedStartsWhatTheFormerPrimaryReportedAndNothingWithoutItsList() throws Exception {
        assertThat(bean(null, 0, Optional.of(List.of("event"))).startReported(request("start-reported-services")))
                .isEqualTo(new ActionResult("start-reported-services", true, "started event", 5_000));
        assertThat(calls).containsExactly("start event");
        calls.clear();

        ActionResult none = bean("restore-dump", 0, Optional.empty()).startReported(request("start-reported-services"));

        assertThat(none).isEqualTo(new ActionResult("start-reported-services", false,
                "the former primary never reported which services it ran; nothing started", 5_000));
        assertThat(calls).as("neither the hook nor a service").isEmpty();
    }
}
