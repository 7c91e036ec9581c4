package tandem.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import tandem.config.ConfigLoader;
import tandem.config.Redundancy;
import tandem.demo.LocalCluster.Node;

/**
 * {@code tandem demo redundancy}: the redundancy profile's story on 127.0.0.1 without root, with short
 * timings. An active (node1) and its standby (node2), each a {@code tandem run} process of its own; the
 * standby's SSH server is {@link DemoStandbySsh} in this process, the mail server {@link MailLog}, and a
 * plain TCP port stands in for the active's own SSH server, which the standby probes.
 *
 * <p>The story: the active sends a backup at start and another a minute later (the standby's SSH refuses
 * the first login, so the first transfer fails once and is retried after 2 s); a switchover asked for on
 * the standby is refused while the active answers; the active is killed; after {@code down-for} the
 * switchover is asked for again, without and with {@code --confirm}, and granted; the users' mails that
 * their phones must be restarted are read from the demo's mail log. Every wait is bounded; a step that
 * does not happen in time ends the demo with what it waited for and exit code 1.
 */
public final class RedundancyDemo {
    /** The users the standby mails after the switchover (RED-10). */
    static final List<String> USERS = List.of("anna@demo.invalid", "ben@demo.invalid");
    static final String ACTIVE_KEY = "DEMOA-11111-AAAAA-22222";
    static final String STANDBY_KEY = "DEMOS-33333-SSSSS-44444";
    static final Duration DOWN_FOR = Duration.ofSeconds(5);

    private final Path home;
    private final Path dir;
    private final boolean keepFiles;
    private final PrintStream out;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tandem-demo-wait");
        t.setDaemon(true);
        return t;
    });
    private LocalCluster cluster;
    private MailLog mails;
    private DemoStandbySsh standbySsh;
    private ServerSocket activeSsh;
    private volatile boolean failed;
    private boolean closed;

    private RedundancyDemo(Path home, Path dir, boolean keepFiles, PrintStream out) {
        this.home = home;
        this.dir = dir;
        this.keepFiles = keepFiles;
        this.out = out;
    }

    /**
     * Runs the story in {@code dir} (configs, state, logs, mail.log); 0 when every step happened, 1 when
     * one did not in time. With {@code keep} the nodes keep running afterwards until the JVM ends (Ctrl-C
     * stops them as an operator stop does). {@code dir} is removed at the end, also after Ctrl-C, unless
     * {@code keepFiles} or the demo failed.
     */
    public static int run(Path home, Path dir, boolean keep, boolean keepFiles, PrintStream out) throws Exception {
        RedundancyDemo demo = new RedundancyDemo(home, Files.createDirectories(dir), keepFiles, out);
        Thread stop = new Thread(demo::interrupted, "tandem-demo-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            demo.failed = true; // until the story says otherwise: an exception keeps the folder for its logs
            int rc = demo.story();
            demo.failed = rc != 0;
            if (rc == 0 && keep) {
                out.println("the standby keeps running (Ctrl-C stops both nodes as an operator stop does"
                        + (keepFiles ? "" : " and removes the demo folder") + "). Try:");
                out.println("  bin/tandem status --config " + demo.cluster.node("node2").config());
                Node standby = demo.cluster.node("node2");
                out.println("console: " + standby.id() + " " + demo.cluster.consoleUrl(standby) + "  (user admin, password "
                        + demo.cluster.consolePassword() + ")");
                new CompletableFuture<Void>().join();
            }
            return rc;
        } finally {
            demo.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private int story() throws Exception {
        try {
            say("demo folder " + dir + " (configs, state, logs, mail.log; " + (keepFiles ? "kept at the end)"
                    : "removed at the end, --keep-files keeps it)"));
            mails = MailLog.start(dir.resolve("mail.log"), Clock.systemUTC());
            say("mail server: SMTP on 127.0.0.1:" + mails.port() + ", every mail appended to " + mails.file());
            activeSsh = activeSshStandIn();
            say("the active's SSH port (what the standby probes): a stand-in on 127.0.0.1:" + activeSsh.getLocalPort());
            Path knownHosts = dir.resolve("state/node1/known_hosts");
            standbySsh = DemoStandbySsh.start(dir.resolve("standby.password"), knownHosts, true, this::say);
            say("the standby's SSH server: Apache MINA SSHD in this process on 127.0.0.1:" + standbySsh.port()
                    + " (SFTP v3, exec by /bin/sh -c, root with a random password in standby.password); its host"
                    + " key " + standbySsh.fingerprint() + " is recorded in the active's known_hosts, as"
                    + " trust-standby-key does; it refuses the first login, to show a failed attempt and its retry");
            appliance();
            cluster = new LocalCluster(home, dir, "redundancy", "", "", null, null, activeSection(), standbySection())
                    .detachedFromTerminal();
            Path configured = ConfigLoader.load(cluster.node("node1").config()).redundancy()
                    .flatMap(Redundancy::standby).orElseThrow().knownHosts();
            if (!configured.equals(knownHosts)) {
                throw new IllegalStateException("the active reads its known_hosts from " + configured + ", not "
                        + knownHosts);
            }
            Node active = cluster.node("node1");
            Node standby = cluster.node("node2");
            say("configs: " + active.config() + " (active: a backup every minute from now, 3 attempts 2s apart,"
                    + " error mails on) and " + standby.config() + " (standby: down-for " + DOWN_FOR.toSeconds()
                    + "s, probes [ssh], " + USERS.size() + " users to mail)");
            say("probes [ssh]: on 127.0.0.1 the active's address answers every ping whether the active runs or"
                    + " not, so only its heartbeat and its SSH port tell whether it is down"
                    + " (redundancy.switchover.probes; a site whose hypervisor or NAT answers pings does the same)");

            say("starting the standby (node2), then the active (node1)");
            cluster.start(standby);
            await("the standby passive (SECOND)", Duration.ofSeconds(60), () -> cluster.state(standby).startsWith("SECOND"));
            cluster.start(active);
            await("the active serving (ALONE)", Duration.ofSeconds(60), () -> cluster.state(active).equals("ALONE uptodate"));
            await("the active's application", Duration.ofSeconds(30), () -> cluster.app(active).isPresent());
            say("the active serves (its application answers on 127.0.0.1:" + active.appPort() + "); the standby"
                    + " stays passive: " + cluster.state(standby));

            transfers(active, standby);

            say("switchover asked for on the standby while the active runs (tandem command switchover --config "
                    + standby.config().getFileName() + ")");
            JsonNode refused = cluster.command(standby, "switchover");
            say("  refused (" + refused.path("code").asInt() + "): " + refused.path("reason").asText());
            if (refused.path("code").asInt() != 409) {
                throw new TimeoutException("a refused switchover while the active runs; got " + refused);
            }

            say("killing the active (kill -9 of its Tandem process; its application ends with it) and closing"
                    + " its SSH port");
            cluster.kill(active);
            activeSsh.close();
            long killedAt = System.nanoTime();
            JsonNode down = await("the active completely down for " + DOWN_FOR.toSeconds() + "s (no heartbeat,"
                    + " no SSH answer)", Duration.ofSeconds(60), Duration.ofSeconds(1), () -> answer(standby, Map.of())
                    .filter(a -> a.path("reason").asText().contains("completely down for")));
            say("after " + (System.nanoTime() - killedAt) / 1_000_000_000 + "s, switchover again without --confirm:");
            say("  refused (" + down.path("code").asInt() + "): " + down.path("reason").asText());

            say("switchover with --confirm (tandem command switchover --confirm)");
            JsonNode granted = cluster.command(standby, "switchover", Map.of("confirm", "true"));
            say("  " + (granted.path("code").asInt() == 200 ? "granted" : "answered " + granted.path("code").asInt())
                    + ": " + granted.path("reason").asText());
            if (granted.path("code").asInt() != 200) {
                throw new TimeoutException("a granted switchover; got " + granted);
            }
            await("the standby serving in the active's place (ALONE)", Duration.ofSeconds(60),
                    () -> cluster.state(standby).startsWith("ALONE"));
            await("the standby's application", Duration.ofSeconds(30), () -> cluster.app(standby).isPresent());
            say("the standby serves: " + cluster.state(standby) + ", its application answers on 127.0.0.1:"
                    + standby.appPort());

            await(USERS.size() + " users' mails in " + mails.file(), Duration.ofSeconds(60),
                    () -> USERS.stream().allMatch(u -> mails.received().stream().anyMatch(m -> m.to().contains(u))));
            for (MailLog.Received m : mails.received()) {
                say("mail " + m.number() + " to " + String.join(", ", m.to()) + ": " + m.subject());
            }
            out.println();
            out.println("done: the standby took over; " + mails.received().size() + " mail(s) were in " + mails.file());
            return 0;
        } catch (TimeoutException e) {
            out.println();
            out.println("demo FAILED: " + e.getMessage() + "; logs in " + dir);
            return 1;
        } finally {
            ticker.shutdownNow();
        }
    }

    /** The backup transfers: the first (one refused attempt, then its retry) and the second a minute later. */
    private void transfers(Node active, Node standby) throws Exception {
        say("waiting for the first backup transfer: the run of this minute was due before the active started,"
                + " so it runs at once (a run missed while the node was down runs once at start)");
        JsonNode first = await("first backup transfer", Duration.ofSeconds(90), Duration.ofMillis(250),
                () -> lastTransfer(active));
        transferred("first", first);
        JsonNode s1 = await("import of " + first.path("name").asText() + " on the standby (SECOND uptodate)",
                Duration.ofSeconds(30), Duration.ofMillis(250), () -> imported(standby, first.path("name").asText()));
        say("the standby imported " + first.path("name").asText() + ": " + state(s1) + ", data age "
                + s1.path("redundancy").path("dataAgeSeconds").asLong() + "s; the next run is at "
                + cluster.status(active).map(s -> s.path("redundancy").path("nextRun").asText()).orElse("?"));

        JsonNode second = await("second backup transfer (a minute after the first run)", Duration.ofSeconds(120),
                Duration.ofMillis(250), () -> lastTransfer(active)
                        .filter(t -> !t.path("at").asText().equals(first.path("at").asText())));
        transferred("second", second);
        JsonNode s2 = await("import of " + second.path("name").asText() + " on the standby (SECOND uptodate)",
                Duration.ofSeconds(30), Duration.ofMillis(250), () -> imported(standby, second.path("name").asText()));
        say("the standby imported " + second.path("name").asText() + ": " + state(s2));
    }

    /** Says how a transfer went; one that failed ends the demo. */
    private void transferred(String which, JsonNode t) throws TimeoutException {
        if (!t.path("ok").asBoolean()) {
            throw new TimeoutException("successful " + which + " backup transfer; it failed after "
                    + t.path("attempts").asInt() + " attempt(s): " + t.path("error").asText());
        }
        int attempts = t.path("attempts").asInt();
        say(which + " backup transfer done: " + t.path("name").asText() + ", " + t.path("size").asLong() + " bytes, "
                + attempts + " attempt(s)" + (attempts > 1 ? " (the standby's SSH refused the first; retried after"
                + " transfer.retry-wait 2s)" : "") + ", " + t.path("millis").asLong() + " ms"
                + (t.path("verified").asBoolean() ? ", SHA-256 verified on the standby" : "") + ", imported there");
    }

    /** The active's last transfer as its status shows it, once there is one. */
    private Optional<JsonNode> lastTransfer(Node active) {
        return cluster.status(active).map(s -> s.path("redundancy").path("lastTransfer")).filter(JsonNode::isObject);
    }

    /** The standby's status once its last import is {@code name} and its data uptodate. */
    private Optional<JsonNode> imported(Node standby, String name) {
        return cluster.status(standby).filter(s -> s.path("redundancy").path("lastImport").path("name").asText()
                .equals(name) && state(s).equals("SECOND uptodate"));
    }

    private static String state(JsonNode status) {
        return status.path("node").path("state").asText() + " " + status.path("node").path("data").asText();
    }

    /** The standby's answer to {@code switchover} with {@code args}, when it answers. */
    private Optional<JsonNode> answer(Node standby, Map<String, String> args) {
        try {
            return Optional.of(cluster.command(standby, "switchover", args));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The active's SSH port, as the standby's probe sees it: accepts and closes each connection. */
    private static ServerSocket activeSshStandIn() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    s.accept().close();
                } catch (IOException e) {
                    return; // closed: the active's SSH is gone
                }
            }
        }, "tandem-demo-active-ssh");
        t.setDaemon(true);
        t.start();
        return s;
    }

    /** The sample appliance: a data folder, its backup (a tar of it) and the standby's import (an untar). */
    private void appliance() throws IOException {
        Path data = Files.createDirectories(dir.resolve("appliance/data"));
        Files.writeString(data.resolve("users.csv"), "name,extension,mail\nAnna,201," + USERS.get(0) + "\nBen,202,"
                + USERS.get(1) + "\n");
        Files.writeString(data.resolve("devices.csv"), "device,port\nISDN line 1,S0-1\nfax,analog-1\n");
        Files.writeString(dir.resolve("appliance/backup.sh"), """
                #!/bin/sh
                # the demo appliance's full backup: a tar of its data folder, written to $1
                set -eu
                tar -C "$(dirname "$0")/data" -cf "$1" .
                """);
        Files.writeString(dir.resolve("appliance/import.sh"), """
                #!/bin/sh
                # the demo appliance's import on the standby: unpacks $1 beside $2, then swaps it in whole
                set -eu
                rm -rf "$2.importing"
                mkdir -p "$2.importing"
                tar -C "$2.importing" -xf "$1"
                rm -rf "$2.previous"
                if [ -d "$2" ]; then mv "$2" "$2.previous"; fi
                mv "$2.importing" "$2"
                rm -rf "$2.previous"
                echo "imported $(basename "$1") into $2"
                """);
        Files.createDirectories(dir.resolve("standby/incoming"));
    }

    /** The active's mail and redundancy sections (after LocalCluster's replication: lines). */
    private String activeSection() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String java = ProcessHandle.current().info().command().orElse("java");
        String tandem = "\"" + java + "\" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dtandem.home=\"" + home
                + "\" -cp \"" + System.getProperty("java.class.path") + "\" tandem.cli.Main";
        return "  mode: periodic\n" + mail("active") + """
                redundancy:
                  role: active
                  license-key: %s
                  version: "8.4.2"
                  backup: {command: "sh %s {file}", folder: backups, keep: 3}
                  schedule: {unit: minutes, every: 1, start-date: "%s", start-time: "%s", time-zone: UTC}
                  transfer: {attempts: 3, retry-wait: 2s, mails: true, error-to: ops@demo.invalid}
                  standby:
                    address: 127.0.0.1
                    ssh-port: %d
                    password: ${file:standby.password}
                    folder: %s
                    import-command: '%s import --config "%s" --file {file}'
                """.formatted(ACTIVE_KEY, dir.resolve("appliance/backup.sh"),
                now.format(DateTimeFormatter.ofPattern("dd.MM.yyyy")), now.format(DateTimeFormatter.ofPattern("HH:mm")),
                standbySsh.port(), dir.resolve("standby/incoming"), tandem, dir.resolve("node2.yaml"));
    }

    /** The standby's mail and redundancy sections. */
    private String standbySection() {
        return "  mode: periodic\n" + mail("standby") + """
                redundancy:
                  role: standby
                  license-key: %s
                  active-license-key: %s
                  version: "8.4.2"
                  import: {command: "sh %s {file} %s", folder: %s}
                  switchover:
                    down-for: %ds
                    active-address: 127.0.0.1
                    active-ssh-port: %d
                    probes: [ssh]   # loopback answers every ping, even with the active down
                    checklist: [Move the ISDN line from the active to the standby, Move the fax (analog) to the standby]
                    users: [%s]
                """.formatted(STANDBY_KEY, ACTIVE_KEY, dir.resolve("appliance/import.sh"), dir.resolve("standby/data"),
                dir.resolve("standby/incoming"), DOWN_FOR.toSeconds(), activeSsh.getLocalPort(), String.join(", ", USERS));
    }

    private String mail(String node) {
        return """
                mail:
                  host: 127.0.0.1
                  port: %d
                  from: %s@demo.invalid
                  to: [ops@demo.invalid]
                """.formatted(mails.port(), node);
    }

    private synchronized void say(String line) {
        out.println("* " + line);
        out.flush();
    }

    private void await(String what, Duration limit, Supplier<Boolean> done) throws Exception {
        await(what, limit, Duration.ofMillis(100), () -> done.get() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Polls {@code probe} every {@code every} until it yields a value; fails with {@code what} after {@code limit}. */
    private <T> T await(String what, Duration limit, Duration every, Supplier<Optional<T>> probe) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        var check = ticker.scheduleWithFixedDelay(() -> {
            try {
                probe.get().ifPresent(f::complete);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("no " + what + " within " + limit.toSeconds() + " s");
        } finally {
            check.cancel(false);
        }
    }

    /** Ctrl-C or SIGTERM: the nodes are stopped as an operator stop does, then the folder goes. */
    private void interrupted() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        say("stopping the nodes as an operator stop does (SIGTERM), up to " + LocalCluster.STOP_LIMIT.toSeconds() + " s");
        close();
    }

    /**
     * Stops the nodes, the SSH server, the stand-in and the mail log (each once, whatever failed), then
     * removes the demo folder unless it is to be kept.
     */
    private synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (standbySsh != null) {
            try {
                standbySsh.close();
            } catch (IOException e) {
                // stopping anyway
            }
            standbySsh = null;
        }
        if (activeSsh != null) {
            try {
                activeSsh.close();
            } catch (IOException e) {
                // stopping anyway
            }
        }
        if (mails != null) {
            mails.close();
        }
        ticker.shutdownNow();
        if (keepFiles || failed) {
            out.println("the demo folder stays: " + dir);
        } else {
            Demo.removeFolder(dir);
        }
        out.flush();
    }
}
