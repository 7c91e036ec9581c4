package tandem.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates one parsed node file against the schema and builds the records. Every check reports
 * into {@link Problems} and carries on, so one run finds all errors; records are only handed out
 * when there were none.
 *
 * <p>The schema is written out here field by field ({@link Section} declares each mapping's keys),
 * rather than derived from the records by databind: that keeps the line of every error and lets the
 * defaults depend on the profile.
 */
final class ConfigReader {
    /** node.id, peer.id, checker/service names, schedule actions: safe in file names, logs and URLs. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final int MIN_SECRET_LENGTH = 16;

    private final Path file;
    private final Path baseDir;
    private final Map<String, String> env;
    private final Problems problems;
    private YamlTree tree;

    // values other sections depend on; null when missing or invalid (an error is then already reported)
    private String nodeId;
    private Profile profile;
    private ProfileDefaults defaults = ProfileDefaults.MS_FAILOVER;
    private Duration failoverTimeout;
    private Integer fall;

    private ConfigReader(String displayName, Path file, Path baseDir, Map<String, String> env) {
        this.file = file;
        this.baseDir = baseDir;
        this.env = env;
        this.problems = new Problems(displayName);
    }

    static NodeConfig read(String displayName, String yamlText, Path file, Path baseDir, Map<String, String> env) {
        return new ConfigReader(displayName, file, baseDir, env).read(yamlText);
    }

    private NodeConfig read(String yamlText) {
        tree = YamlTree.parse(yamlText, problems);
        if (tree == null) {
            problems.throwIfAny();
        }
        JsonNode rootNode = tree.root();
        if (!rootNode.isObject()) {
            problems.add(Math.max(tree.line(""), 1), "",
                    "the file must be a mapping with the sections node, cluster, peer, ...; got " + describe("", rootNode));
            problems.throwIfAny();
        }
        Section root = new Section("", rootNode, true, "node", "cluster", "listen", "peer", "witness", "timings",
                "checkers", "services", "vip", "replication", "mail", "console", "schedules", "extensions", "fencing", "rules");

        Node node = node(root.requiredSection("node", "id", "profile", "priority", "state-dir", "boot-start", "role",
                "backup-license"));
        Cluster cluster = cluster(root.requiredSection("cluster", "name", "secret", "license"));
        Section listenSection = root.optionalSection("listen", "address", "port");
        Endpoint listen = listen(listenSection);
        Peer peer = peer(root.requiredSection("peer", "id", "address", "port", "second-link", "console-port", "tls"));
        Optional<Witness> witness = witness(root.optionalSection("witness", "address", "port"));
        Timings timings = timings(root.optionalSection("timings",
                "heartbeat-interval", "check-interval", "failover-timeout", "rise", "fall", "max-clock-skew"));
        List<Checker> checkers = checkers(root);
        List<Service> services = services(root);
        Optional<Vip> vip = vip(root.optionalSection("vip", "address", "interface", "probe-wait"));
        Section replicationSection = root.optionalSection("replication",
                "mode", "interval", "external-database", "folders", "pre-sync", "post-takeover", "port", "peer-port",
                "allowed-roots");
        Replication replication = replication(replicationSection);
        Optional<Mail> mail = mail(root.optionalSection("mail",
                "host", "port", "username", "password", "security", "from", "to", "trust-store", "trust-store-password"));
        Section consoleSection = root.optionalSection("console",
                "enabled", "address", "port", "protocol", "user", "password-hash",
                "read-timeout", "idle-timeout", "max-connections");
        Console console = console(consoleSection);
        List<Schedule> schedules = schedules(root);
        Extensions extensions = extensions(root.optionalSection("extensions", "rules", "routes"));
        Optional<Fencing> fencing = fencing(root.optionalSection("fencing", "command", "timeout"));
        Rules rules = rules(root.optionalSection("rules", "loop-guard"));

        if (listen != null && console != null) {
            checkConsoleDoesNotShareListenPort(listenSection, listen, consoleSection, console);
        }
        if (listen != null && replication != null) {
            checkSyncPortIsFree(replicationSection, listen, peer, console, replication);
        }
        if (node != null && replication != null) {
            checkFoldersLeaveTheStateDirAlone(replicationSection, node, replication);
        }
        problems.throwIfAny();
        return new NodeConfig(file, node, cluster, listen, peer, witness, timings, checkers, services, vip,
                replication, mail, console, schedules, extensions, fencing, rules);
    }

    // ---------------------------------------------------------------------------------------------
    // sections

    private Node node(Section s) {
        int before = problems.count();
        nodeId = s.require("id", this::id);
        profile = s.require("profile", (p, v) -> enumValue(p, v, Profile.class));
        if (profile != null) {
            defaults = ProfileDefaults.of(profile);
        }
        int priority = s.optional("priority", (p, v) -> integer(p, v, 0, 1000)).orElse(ProfileDefaults.PRIORITY);
        Optional<Path> stateDir = s.optional("state-dir", this::path);
        boolean bootStart = s.optional("boot-start", this::bool).orElse(ProfileDefaults.BOOT_START);
        // SBS-3 and SBS-12 are the sbs product's options: elsewhere they would be silently meaningless
        Role role = s.optional("role", (p, v) -> sbsOnly(p).flatMap(x -> enumValue(p, v, Role.class)))
                .orElse(ProfileDefaults.ROLE);
        boolean backupLicense = s.optional("backup-license", (p, v) -> sbsOnly(p).flatMap(x -> bool(p, v)))
                .orElse(ProfileDefaults.BACKUP_LICENSE);
        return built(s, before, () -> new Node(nodeId, profile, priority,
                stateDir.orElseGet(() -> baseDir.resolve(ProfileDefaults.STATE_DIR_PARENT).resolve(nodeId).normalize()),
                bootStart, role, backupLicense));
    }

    /** Passes for the sbs profile; for another one, the field is an error naming the profile. */
    private Optional<Boolean> sbsOnly(String path) {
        if (profile == null || profile == Profile.SBS) {
            return Optional.of(true);
        }
        return fail(path, "is an option of the sbs profile only (SBS-3, SBS-12), not of " + profile.yamlName());
    }

    private Cluster cluster(Section s) {
        int before = problems.count();
        String name = s.require("name", this::nonBlank);
        Secret secret = s.require("secret", (p, v) -> secret(p, v).flatMap(x -> {
            if (x.reveal().length() < MIN_SECRET_LENGTH) {
                // the length only: the value itself never goes into a message
                return fail(p, "must be at least " + MIN_SECRET_LENGTH + " characters (it keys the HMAC of every"
                        + " peer-link frame), got " + x.reveal().length());
            }
            return Optional.of(x);
        }));
        Optional<Path> license = s.optional("license", this::path);
        return built(s, before, () -> new Cluster(name, secret, license));
    }

    private Endpoint listen(Section s) {
        int before = problems.count();
        String address = s.optional("address", this::address).orElse(ProfileDefaults.ANY_ADDRESS);
        int port = s.optional("port", this::port).orElse(defaults.port());
        return built(s, before, () -> new Endpoint(address, port));
    }

    private Peer peer(Section s) {
        int before = problems.count();
        String id = s.require("id", this::id);
        if (id != null && id.equals(nodeId)) {
            problems.add(s.line("id"), s.child("id"),
                    "must differ from node.id (\"" + nodeId + "\"); a node cannot be its own peer");
        }
        String address = s.require("address", this::address);
        int port = s.optional("port", this::port).orElse(defaults.port());
        Optional<Endpoint> secondLink = secondLink(s.optionalSection("second-link", "address", "port"), port);
        Optional<Integer> consolePort = s.optional("console-port", this::port);
        Optional<PeerTls> tls = peerTls(s.optionalSection("tls", "keystore", "password"));
        return built(s, before, () -> new Peer(id, address, port, secondLink, consolePort, tls));
    }

    private Optional<PeerTls> peerTls(Section s) {
        if (!s.present()) {
            return Optional.empty();
        }
        int before = problems.count();
        Path keystore = s.require("keystore", this::path);
        Secret password = s.require("password", this::secret);
        if (keystore != null && !java.nio.file.Files.isRegularFile(keystore)) {
            problems.add(s.line("keystore"), s.child("keystore"), "no such file " + keystore);
        }
        return Optional.ofNullable(built(s, before, () -> new PeerTls(keystore, password)));
    }

    private Optional<Endpoint> secondLink(Section s, int peerPort) {
        if (!s.present()) {
            return Optional.empty();
        }
        int before = problems.count();
        String address = s.require("address", this::address);
        int port = s.optional("port", this::port).orElse(peerPort);
        return Optional.ofNullable(built(s, before, () -> new Endpoint(address, port)));
    }

    private Optional<Witness> witness(Section s) {
        if (!s.present()) {
            return Optional.empty();
        }
        int before = problems.count();
        String address = s.require("address", this::address);
        int port = s.optional("port", (p, v) -> integer(p, v, 0, 65535)).orElse(ProfileDefaults.WITNESS_PORT);
        return Optional.ofNullable(built(s, before, () -> new Witness(address, port)));
    }

    private Timings timings(Section s) {
        int before = problems.count();
        Optional<Duration> heartbeat = s.optional("heartbeat-interval", this::duration);
        Optional<Duration> check = s.optional("check-interval", this::duration);
        Optional<Duration> timeout = s.optional("failover-timeout", this::duration);
        Optional<Integer> rise = s.optional("rise", (p, v) -> integer(p, v, 1, 100));
        Optional<Integer> fallValue = s.optional("fall", (p, v) -> integer(p, v, 1, 100));
        // beyond 1 h the peer link drops the frames anyway (Protocol.MAX_CLOCK_SKEW)
        Optional<Duration> skew = s.optional("max-clock-skew",
                (p, v) -> durationIn(p, v, Duration.ofMillis(10), Duration.ofHours(1)));
        if (problems.count() > before || profile == null) {
            // with a value or the profile (and so the defaults) unknown, the rules below would judge guesses
            return null;
        }
        Timings t = new Timings(heartbeat.orElse(defaults.heartbeatInterval()), check.orElse(defaults.checkInterval()),
                timeout.orElse(defaults.failoverTimeout()), rise.orElse(defaults.rise()), fallValue.orElse(defaults.fall()),
                skew.orElse(ProfileDefaults.MAX_CLOCK_SKEW));
        failoverTimeout = t.failoverTimeout();
        fall = t.fall();

        // MS-3: a resource must be able to count as down (fall consecutive failures) before the
        // failover timeout expires, or the timeout can never be met
        Duration detection = t.checkInterval().multipliedBy(t.fall());
        if (detection.compareTo(t.failoverTimeout()) >= 0) {
            problems.add(s.firstLine("check-interval", "fall", "failover-timeout"), s.path,
                    "check-interval x fall (" + Durations.format(t.checkInterval()) + " x " + t.fall() + " = "
                            + Durations.format(detection) + ") must be below failover-timeout ("
                            + Durations.format(t.failoverTimeout()) + ")");
        }
        // with fewer than two heartbeats per timeout, a single lost heartbeat fails the node over
        Duration twoBeats = t.heartbeatInterval().multipliedBy(2);
        if (twoBeats.compareTo(t.failoverTimeout()) > 0) {
            problems.add(s.firstLine("heartbeat-interval", "failover-timeout"), s.path,
                    "heartbeat-interval x 2 (" + Durations.format(t.heartbeatInterval()) + " x 2 = "
                            + Durations.format(twoBeats) + ") must not exceed failover-timeout ("
                            + Durations.format(t.failoverTimeout()) + "), or one lost heartbeat fails the node over");
        }
        return t;
    }

    private List<Checker> checkers(Section root) {
        List<Checker> checkers = new ArrayList<>();
        Map<String, String> resources = new HashMap<>();
        for (Section s : root.sections("checkers",
                "name", "type", "target", "min-count", "critical", "when", "interval")) {
            int before = problems.count();
            String name = s.require("name", this::id);
            CheckerType type = s.require("type", (p, v) -> enumValue(p, v, CheckerType.class));
            String target = s.require("target", (p, v) -> nonBlank(p, v).flatMap(t -> checkTarget(p, type, t)));
            int minCount = s.optional("min-count", (p, v) -> integer(p, v, 1, Integer.MAX_VALUE))
                    .orElse(ProfileDefaults.MIN_COUNT);
            boolean critical = s.optional("critical", this::bool).orElse(ProfileDefaults.CRITICAL);
            Optional<When> when = s.optional("when", (p, v) -> enumValue(p, v, When.class));
            Optional<Duration> interval = s.optional("interval", this::duration);
            if (name != null && type != null) {
                unique(resources, type.yamlName() + "." + name, s, "name", "resource");
            }
            if (interval.isPresent() && critical && failoverTimeout != null) {
                // the same MS-3 budget as timings, for a checker that runs at its own pace
                Duration detection = interval.get().multipliedBy(fall);
                if (detection.compareTo(failoverTimeout) >= 0) {
                    problems.add(s.line("interval"), s.child("interval"),
                            "interval x timings.fall (" + Durations.format(interval.get()) + " x " + fall + " = "
                                    + Durations.format(detection) + ") must be below timings.failover-timeout ("
                                    + Durations.format(failoverTimeout) + ") for a critical checker");
                }
            }
            Checker checker = built(s, before, () -> new Checker(name, type, target, minCount, critical,
                    when.orElse(type.defaultWhen()), interval));
            if (checker != null) {
                checkers.add(checker);
            }
        }
        return checkers;
    }

    /** Targets whose form is known are checked now rather than failing every probe later. */
    private Optional<String> checkTarget(String path, CheckerType type, String target) {
        if (type == CheckerType.TCP) {
            int colon = target.lastIndexOf(':');
            String host = colon > 0 ? target.substring(0, colon) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1); // [::1]:80
            } else if (host.contains(":")) {
                host = "";
            }
            String port = colon > 0 ? target.substring(colon + 1) : "";
            boolean portOk = port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
            if (host.isEmpty() || !Addresses.isHostOrAddress(host) || !portOk) {
                return fail(path, "must be host:port with a port 1..65535 for a tcp checker ([addr]:port for IPv6), got "
                        + quote(target));
            }
        } else if (type == CheckerType.PING && !Addresses.isHostOrAddress(target)) {
            return fail(path, "must be an IPv4 or IPv6 address or a host name for a ping checker, got " + quote(target));
        }
        return Optional.of(target);
    }

    private List<Service> services(Section root) {
        List<Service> services = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Section s : root.sections("services",
                "name", "type", "unit", "start", "stop", "command", "start-timeout", "stop-timeout")) {
            int before = problems.count();
            String name = s.require("name", this::id);
            ServiceType type = s.require("type", (p, v) -> enumValue(p, v, ServiceType.class));
            if (name != null) {
                unique(names, name, s, "name", "service name");
            }
            Optional<String> unit = Optional.empty();
            Optional<String> start = Optional.empty();
            Optional<String> stop = Optional.empty();
            Optional<String> command = Optional.empty();
            if (type != null) {
                boolean usesUnit = type == ServiceType.SYSTEMD || type == ServiceType.WINDOWS;
                boolean usesStartStop = type == ServiceType.COMMAND;
                boolean usesCommand = type == ServiceType.PROCESS;
                String forType = "for type " + type.yamlName();
                unit = typeSpecific(s, "unit", usesUnit, forType, "only used with type systemd or windows");
                start = typeSpecific(s, "start", usesStartStop, forType, "only used with type command");
                stop = typeSpecific(s, "stop", usesStartStop, forType, "only used with type command");
                command = typeSpecific(s, "command", usesCommand, forType, "only used with type process");
            }
            Duration startTimeout = s.optional("start-timeout", this::duration).orElse(ProfileDefaults.START_TIMEOUT);
            Duration stopTimeout = s.optional("stop-timeout", this::duration).orElse(ProfileDefaults.STOP_TIMEOUT);
            Optional<String> u = unit;
            Optional<String> st = start;
            Optional<String> sp = stop;
            Optional<String> c = command;
            Service service = built(s, before, () -> new Service(name, type, u, st, sp, c, startTimeout, stopTimeout));
            if (service != null) {
                services.add(service);
            }
        }
        return services;
    }

    /** A field required by some service types and meaningless, so refused, for the others. */
    private Optional<String> typeSpecific(Section s, String key, boolean used, String forType, String notUsed) {
        if (used) {
            return Optional.ofNullable(s.require(key, this::nonBlank, forType));
        }
        if (s.has(key)) {
            problems.add(s.keyLine(key), s.child(key), notUsed);
        }
        return Optional.empty();
    }

    private Optional<Vip> vip(Section s) {
        if (!s.present()) {
            return Optional.empty();
        }
        int before = problems.count();
        String[] address = s.require("address", this::vipAddress);
        String iface = s.require("interface", this::nonBlank);
        Duration probeWait = s.optional("probe-wait", (p, v) -> duration(p, v).flatMap(d -> {
            if (d.compareTo(ProfileDefaults.VIP_PROBE_WAIT_MIN) < 0 || d.compareTo(ProfileDefaults.VIP_PROBE_WAIT_MAX) > 0) {
                return fail(p, "must be " + Durations.format(ProfileDefaults.VIP_PROBE_WAIT_MIN) + " to "
                        + Durations.format(ProfileDefaults.VIP_PROBE_WAIT_MAX) + " (the duplicate address probe's wait"
                        + " for an answer), got " + describe(p, v));
            }
            return Optional.of(d);
        })).orElse(ProfileDefaults.VIP_PROBE_WAIT);
        return Optional.ofNullable(built(s, before,
                () -> new Vip(address[0], Integer.parseInt(address[1]), iface, probeWait)));
    }

    /** {@code 192.168.178.249/24} as {address, prefix}; the prefix defaults to 24. */
    private Optional<String[]> vipAddress(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(text -> {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            String prefix = slash < 0 ? String.valueOf(ProfileDefaults.VIP_PREFIX) : text.substring(slash + 1);
            if (!Addresses.isIpv4(address)) {
                return fail(path, "must be an IPv4 address with an optional prefix length, e.g. 192.168.178.249/24,"
                        + " got " + quote(text));
            }
            if (!prefix.matches("\\d{1,2}") || Integer.parseInt(prefix) < 1 || Integer.parseInt(prefix) > 32) {
                return fail(path, "prefix length must be 1..32, got " + quote(prefix));
            }
            return Optional.of(new String[] {address, String.valueOf(Integer.parseInt(prefix))});
        });
    }

    private Replication replication(Section s) {
        int before = problems.count();
        ReplicationMode mode = s.optional("mode", (p, v) -> enumValue(p, v, ReplicationMode.class))
                .orElse(defaults.replication());
        Duration interval = s.optional("interval", this::duration).orElse(ProfileDefaults.REPLICATION_INTERVAL);
        boolean externalDatabase = s.optional("external-database", this::bool).orElse(ProfileDefaults.EXTERNAL_DATABASE);
        List<Folder> folders = new ArrayList<>();
        Map<String, String> paths = new HashMap<>();
        for (Section f : s.sections("folders", "path", "include", "exclude", "strict", "keep-timestamps", "target",
                "update-script")) {
            int folderBefore = problems.count();
            Path path = f.require("path", this::path);
            if (path != null) {
                unique(paths, path.toString(), f, "path", "folder");
            }
            List<String> include = f.optional("include", (p, v) -> list(p, v, this::glob)).orElse(ProfileDefaults.INCLUDE);
            List<String> exclude = f.optional("exclude", (p, v) -> list(p, v, this::glob)).orElse(ProfileDefaults.EXCLUDE);
            boolean strict = f.optional("strict", this::bool).orElse(ProfileDefaults.STRICT);
            boolean keepTimestamps = f.optional("keep-timestamps", this::bool).orElse(ProfileDefaults.KEEP_TIMESTAMPS);
            Optional<Path> target = f.optional("target", this::path);
            Optional<String> updateScript = f.optional("update-script", this::nonBlank);
            Folder folder = built(f, folderBefore, () -> new Folder(path, include, exclude, strict, keepTimestamps,
                    target, updateScript));
            if (folder != null) {
                folders.add(folder);
            }
        }
        Optional<String> preSync = s.optional("pre-sync", this::nonBlank);
        Optional<String> postTakeover = s.optional("post-takeover", this::nonBlank);
        Optional<Integer> port = s.optional("port", this::port);
        Optional<Integer> peerPort = s.optional("peer-port", this::port);
        // SBS-5 pushes the folder list from the active node; the standby writes only where its own
        // config allows: its folders, and inside these roots (for folders listed on the primary only)
        List<Path> allowedRoots = s.optional("allowed-roots", (p, v) -> list(p, v, this::allowedRoot)).orElse(List.of());
        return built(s, before, () -> new Replication(mode, interval, externalDatabase, folders, preSync,
                postTakeover, port, peerPort, allowedRoots));
    }

    private Optional<Mail> mail(Section s) {
        if (!s.present()) {
            return Optional.empty();
        }
        int before = problems.count();
        String host = s.require("host", this::address);
        int port = s.optional("port", this::port).orElse(ProfileDefaults.MAIL_PORT);
        Optional<String> username = s.optional("username", this::nonBlank);
        Optional<Secret> password = s.optional("password", this::secret);
        MailSecurity security = s.optional("security", (p, v) -> enumValue(p, v, MailSecurity.class))
                .orElse(ProfileDefaults.MAIL_SECURITY);
        String from = s.require("from", this::mailAddress);
        List<String> to = s.require("to", (p, v) -> list(p, v, this::mailAddress).flatMap(list -> list.isEmpty()
                ? fail(p, "must list at least one address") : Optional.of(list)));
        Optional<Path> trustStore = s.optional("trust-store", (p, v) -> path(p, v).flatMap(x -> security == MailSecurity.NONE
                ? fail(p, "applies to security ssl or starttls; security is none") : Optional.of(x)));
        Optional<Secret> trustStorePassword = s.optional("trust-store-password", this::secret);
        if (s.has("username") != s.has("password")) {
            String missing = s.has("username") ? "password" : "username";
            problems.add(s.line(s.has("username") ? "username" : "password"), s.child(missing),
                    "a login needs both username and password");
        }
        return Optional.ofNullable(built(s, before, () -> new Mail(host, port, username, password, security, from, to,
                trustStore, trustStorePassword)));
    }

    private Optional<Fencing> fencing(Section s) {
        if (!s.present()) {
            return Optional.empty();
        }
        int before = problems.count();
        String command = s.require("command", this::nonBlank);
        Duration timeout = s.optional("timeout", (p, v) -> duration(p, v).flatMap(d -> d.compareTo(FENCING_TIMEOUT_MAX) > 0
                ? fail(p, "must be at most " + Durations.format(FENCING_TIMEOUT_MAX) + ": a takeover waits for it, got "
                        + describe(p, v)) : Optional.of(d))).orElse(ProfileDefaults.FENCING_TIMEOUT);
        return Optional.ofNullable(built(s, before, () -> new Fencing(command, timeout)));
    }

    private Console console(Section s) {
        int before = problems.count();
        boolean enabled = s.optional("enabled", this::bool).orElse(ProfileDefaults.CONSOLE_ENABLED);
        String address = s.optional("address", this::address).orElse(ProfileDefaults.ANY_ADDRESS);
        int port = s.optional("port", this::port).orElse(ProfileDefaults.CONSOLE_PORT);
        ConsoleProtocol protocol = s.optional("protocol", (p, v) -> enumValue(p, v, ConsoleProtocol.class))
                .orElse(ProfileDefaults.CONSOLE_PROTOCOL);
        String user = s.optional("user", this::nonBlank).orElse(ProfileDefaults.CONSOLE_USER);
        Optional<Secret> passwordHash = s.optional("password-hash", this::secret);
        Duration readTimeout = s.optional("read-timeout", (p, v) -> durationIn(p, v, Duration.ofMillis(100), Duration.ofMinutes(10)))
                .orElse(ProfileDefaults.CONSOLE_READ_TIMEOUT);
        Duration idleTimeout = s.optional("idle-timeout", (p, v) -> durationIn(p, v, Duration.ofSeconds(1), Duration.ofHours(1)))
                .orElse(ProfileDefaults.CONSOLE_IDLE_TIMEOUT);
        int maxConnections = s.optional("max-connections", (p, v) -> integer(p, v, 1, 1000))
                .orElse(ProfileDefaults.CONSOLE_MAX_CONNECTIONS);
        return built(s, before, () -> new Console(enabled, address, port, protocol, user, passwordHash,
                readTimeout, idleTimeout, maxConnections));
    }

    private List<Schedule> schedules(Section root) {
        List<Schedule> schedules = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Section s : root.sections("schedules", "name", "action", "every", "start")) {
            int before = problems.count();
            String name = s.require("name", this::nonBlank);
            if (name != null) {
                unique(names, name, s, "name", "schedule name");
            }
            String action = s.require("action", this::id);
            Duration every = s.require("every", this::duration);
            Optional<LocalDateTime> start = s.optional("start", this::localDateTime);
            Schedule schedule = built(s, before, () -> new Schedule(name, action, every, start));
            if (schedule != null) {
                schedules.add(schedule);
            }
        }
        return schedules;
    }

    private Rules rules(Section s) {
        int before = problems.count();
        Section guard = s.optionalSection("loop-guard", "actions", "within");
        int actions = guard.optional("actions", (p, v) -> integer(p, v, 1, 100_000))
                .orElse(ProfileDefaults.LOOP_GUARD_ACTIONS);
        Duration within = guard.optional("within", (p, v) -> durationIn(p, v, Duration.ofSeconds(1), Duration.ofDays(1)))
                .orElse(ProfileDefaults.LOOP_GUARD_WITHIN);
        return built(s, before, () -> new Rules(new Rules.LoopGuard(actions, within)));
    }

    private Extensions extensions(Section s) {
        int before = problems.count();
        List<Path> rules = s.optional("rules", (p, v) -> list(p, v, this::path)).orElse(List.of());
        List<Path> routes = s.optional("routes", (p, v) -> list(p, v, this::path)).orElse(List.of());
        return built(s, before, () -> new Extensions(rules, routes));
    }

    // ---------------------------------------------------------------------------------------------
    // cross-field rules

    /**
     * The sync channel's port is not one this node already listens on: listen.port, the second link's
     * listen.port + 1, or console.port (same address or a wildcard).
     */
    private void checkSyncPortIsFree(Section s, Endpoint listen, Peer peer, Console console, Replication r) {
        int sync = r.port().orElse(listen.port() + 2);
        String what = null;
        if (sync == listen.port()) {
            what = "listen.port";
        } else if (peer != null && peer.secondLink().isPresent() && sync == listen.port() + 1) {
            what = "the second link's port (listen.port + 1)";
        } else if (console != null && console.enabled() && sync == console.port()
                && (listen.address().equalsIgnoreCase(console.address()) || Addresses.isWildcard(listen.address())
                        || Addresses.isWildcard(console.address()))) {
            what = "console.port";
        }
        if (what == null) {
            return;
        }
        String msg = "the sync channel's port " + sync + " is also " + what + "; set replication.port to a free port";
        problems.add(s.line("port"), s.child("port"), msg);
    }

    /**
     * A replicated folder (or its target) must neither hold nor lie inside node.state-dir: the node's
     * own state would be replicated, and strict sync on the standby would delete it.
     */
    private void checkFoldersLeaveTheStateDirAlone(Section s, Node node, Replication r) {
        Path state = node.stateDir().toAbsolutePath().normalize();
        for (int i = 0; i < r.folders().size(); i++) {
            Folder f = r.folders().get(i);
            for (Path p : List.of(f.path(), f.standbyPath())) {
                Path n = p.toAbsolutePath().normalize();
                if (state.startsWith(n) || n.startsWith(state)) {
                    String key = "folders[" + i + "]." + (p == f.path() ? "path" : "target");
                    problems.add(s.line(key), s.child(key), (state.startsWith(n) ? "holds" : "lies inside")
                            + " node.state-dir (" + state + "); replicate the application's data, not Tandem's state");
                    break;
                }
            }
        }
        for (int i = 0; i < r.allowedRoots().size(); i++) {
            // one that holds the state dir is fine (the standby refuses a target that holds or lies in it)
            if (r.allowedRoots().get(i).toAbsolutePath().normalize().startsWith(state)) {
                String key = "allowed-roots[" + i + "]";
                problems.add(s.line(key), s.child(key), "lies inside node.state-dir (" + state + "); the standby"
                        + " never writes there");
            }
        }
    }

    /** listen.port != console.port when they share an address: the second bind would fail at start. */
    private void checkConsoleDoesNotShareListenPort(Section listenSection, Endpoint listen, Section consoleSection,
            Console console) {
        boolean shared = listen.address().equalsIgnoreCase(console.address())
                || Addresses.isWildcard(listen.address()) || Addresses.isWildcard(console.address());
        if (!console.enabled() || listen.port() != console.port() || !shared) {
            return;
        }
        String where = listen.address().equalsIgnoreCase(console.address())
                ? "both bind " + listen.address()
                : "listen binds " + listen.address() + " and console binds " + console.address();
        if (listenSection.has("port")) {
            problems.add(listenSection.line("port"), listenSection.child("port"),
                    "must differ from console.port (" + console.port() + ") when they share an address (" + where + ")");
        } else {
            problems.add(consoleSection.line("port"), consoleSection.child("port"),
                    "must differ from listen.port (" + listen.port() + ") when they share an address (" + where + ")");
        }
    }

    /** Reports {@code key} of {@code s} when {@code value} was seen before in this list. */
    private void unique(Map<String, String> seen, String value, Section s, String key, String what) {
        String first = seen.putIfAbsent(value, s.path);
        if (first != null) {
            problems.add(s.line(key), s.child(key), "duplicate " + what + " " + quote(value) + "; " + first
                    + " (line " + tree.line(first + "." + key) + ") already uses it");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // scalar conversions: each reports its own error at the value's line and returns empty

    @FunctionalInterface
    interface Conversion<T> {
        Optional<T> apply(String path, JsonNode value);
    }

    /** Any scalar, as written: {@code id: 007} is "007", {@code user: on} is "on" (not YAML 1.1's true). */
    private Optional<String> text(String path, JsonNode v) {
        if (v.isTextual()) {
            return Optional.of(v.textValue());
        }
        if (v.isValueNode()) {
            String written = tree.scalarText(path);
            return Optional.of(written != null ? written : v.asText());
        }
        return fail(path, "must be a string, got " + describe(path, v));
    }

    private Optional<String> nonBlank(String path, JsonNode v) {
        return text(path, v).flatMap(t -> t.isBlank() ? fail(path, "must not be empty") : Optional.of(t.strip()));
    }

    private Optional<String> id(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> ID.matcher(t).matches() ? Optional.of(t)
                : fail(path, "must be 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit, got "
                        + quote(t)));
    }

    private Optional<String> address(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> Addresses.isHostOrAddress(t) ? Optional.of(t)
                : fail(path, "must be an IPv4 or IPv6 address or a host name, got " + quote(t)));
    }

    private Optional<String> mailAddress(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> Addresses.isMailAddress(t) ? Optional.of(t)
                : fail(path, "must be a mail address like ops@example.org, got " + quote(t)));
    }

    private Optional<Integer> port(String path, JsonNode v) {
        return integer(path, v, 1, 65535);
    }

    private Optional<Integer> integer(String path, JsonNode v, int min, int max) {
        BigInteger n;
        if (v.isIntegralNumber()) {
            n = v.bigIntegerValue();
        } else if (v.isTextual() && v.textValue().strip().matches("[+-]?\\d+")) {
            n = new BigInteger(v.textValue().strip()); // "7401" quoted: Jackson databind accepts it too
        } else if (v.isNumber()) {
            return fail(path, "must be a whole number, got " + describe(path, v));
        } else {
            return fail(path, "must be a number, got " + describe(path, v));
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
            return fail(path, "must be " + range + ", got " + n);
        }
        return Optional.of(n.intValue());
    }

    private Optional<Boolean> bool(String path, JsonNode v) {
        if (v.isBoolean()) {
            return Optional.of(v.booleanValue());
        }
        if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
            return Optional.of(Boolean.parseBoolean(v.textValue()));
        }
        return fail(path, "must be true or false, got " + describe(path, v));
    }

    private Optional<Duration> duration(String path, JsonNode v) {
        String hint = "must be a duration such as 500ms, 30s, 5m, 2h or 1d";
        if (v.isNumber()) {
            return fail(path, hint + " (with a unit), got " + describe(path, v));
        }
        if (!v.isTextual()) {
            return fail(path, hint + ", got " + describe(path, v));
        }
        Optional<Duration> d = Durations.parse(v.textValue());
        if (d.isEmpty()) {
            return fail(path, hint + ", got " + describe(path, v));
        }
        if (d.get().isZero()) {
            return fail(path, "must be greater than 0, got " + describe(path, v));
        }
        return d;
    }

    /** A duration from {@code min} to {@code max}, both included. */
    private Optional<Duration> durationIn(String path, JsonNode v, Duration min, Duration max) {
        return duration(path, v).flatMap(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0 ? Optional.of(d)
                : fail(path, "must be " + Durations.format(min) + ".." + Durations.format(max) + ", got " + describe(path, v)));
    }

    private <E extends Enum<E> & YamlNamed> Optional<E> enumValue(String path, JsonNode v, Class<E> type) {
        Optional<E> e = v.isValueNode() ? YamlNamed.lookup(type, text(path, v).orElseThrow().strip()) : Optional.empty();
        if (e.isEmpty()) {
            return fail(path, "must be one of " + YamlNamed.allowed(type) + "; got " + describe(path, v));
        }
        return e;
    }

    /** A path as written, resolved against the config file's folder. */
    private Optional<Path> path(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> {
            try {
                return Optional.of(baseDir.resolve(t).normalize());
            } catch (InvalidPathException e) {
                return fail(path, "is not a valid path (" + e.getReason() + "), got " + quote(t));
            }
        });
    }

    /** A path (relative to the config file's folder) that is not a file-system root: that would allow all. */
    private Optional<Path> allowedRoot(String path, JsonNode v) {
        return path(path, v).flatMap(p -> p.getNameCount() == 0
                ? fail(path, "must not be a file-system root (it would let the active node write anywhere), got "
                        + quote(v.asText()))
                : Optional.of(p));
    }

    private Optional<String> glob(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + t);
                return Optional.of(t);
            } catch (PatternSyntaxException e) {
                return fail(path, "must be a valid glob, got " + quote(t) + ": " + e.getDescription());
            }
        });
    }

    private Optional<LocalDateTime> localDateTime(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> {
            try {
                return Optional.of(LocalDateTime.parse(t));
            } catch (DateTimeParseException e) {
                return fail(path, "must be a local date-time such as 2026-01-01T02:00, got " + quote(t));
            }
        });
    }

    /** A list of {@code each}; a single scalar counts as a list of one (mail.to: ops@example.org). */
    private <T> Optional<List<T>> list(String path, JsonNode v, Conversion<T> each) {
        if (!v.isArray()) {
            if (v.isObject()) {
                return fail(path, "must be a list, got a mapping");
            }
            return each.apply(path, v).map(List::of);
        }
        List<T> values = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            String item = path + "[" + i + "]";
            JsonNode element = v.get(i);
            Optional<T> value = element.isNull() ? fail(item, "must not be empty") : each.apply(item, element);
            ok &= value.isPresent();
            value.ifPresent(values::add);
        }
        return ok ? Optional.of(values) : Optional.empty();
    }

    /**
     * A literal, {@code ${env:NAME}} or {@code ${file:PATH}}. Messages name the field and the
     * reference, never the value.
     */
    private Optional<Secret> secret(String path, JsonNode v) {
        if (!v.isValueNode()) {
            return fail(path, "must be a string, got " + describe(path, v));
        }
        String text = text(path, v).orElseThrow();
        if (text.isEmpty()) {
            return fail(path, "must not be empty");
        }
        if (!text.startsWith("${")) {
            return Optional.of(Secret.literal(text));
        }
        Matcher ref = REFERENCE.matcher(text);
        if (!ref.matches() || ref.group(2).isBlank()) {
            return fail(path, "must be a literal, ${env:NAME} or ${file:PATH}; cannot use " + quote(text));
        }
        String name = ref.group(2).strip();
        if (ref.group(1).equals("env")) {
            String value = env.get(name);
            if (value == null) {
                return fail(path, "environment variable " + name + " is not set (referenced as " + text + ")");
            }
            if (value.isEmpty()) {
                return fail(path, "environment variable " + name + " is empty (referenced as " + text + ")");
            }
            return Optional.of(Secret.of(value, "env:" + name));
        }
        Path secretFile;
        try {
            secretFile = baseDir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            return fail(path, "is not a valid path (" + e.getReason() + "): " + quote(text));
        }
        String referenced = " (referenced as " + text + ")";
        if (!Files.exists(secretFile)) {
            return fail(path, "file " + secretFile + " does not exist" + referenced);
        }
        // a device or a pipe could give without end or block for ever: only a regular file is read
        if (!Files.isRegularFile(secretFile)) {
            return fail(path, "file " + secretFile + " is not a regular file ("
                    + (Files.isDirectory(secretFile) ? "a folder" : "a device, pipe or socket")
                    + "); a secret file is a regular file of at most " + TextFile.size(TextFile.SECRET_LIMIT) + referenced);
        }
        String value;
        try {
            value = TextFile.read(secretFile, TextFile.SECRET_LIMIT, "a secret file").strip();
        } catch (TextFile.Unreadable e) {
            TextFile.Problem why = e.problem();
            return fail(path, "file " + secretFile + (why.line() > 0 ? " line " + why.line() + ":" : "") + " "
                    + why.message() + referenced);
        }
        if (value.isEmpty()) {
            return fail(path, "file " + secretFile + " is empty" + referenced);
        }
        return Optional.of(Secret.of(value, "file:" + secretFile));
    }

    /** The longest {@code fencing.timeout}: a takeover waits for the fence. */
    private static final Duration FENCING_TIMEOUT_MAX = Duration.ofMinutes(10);

    private <T> Optional<T> fail(String path, String message) {
        problems.add(tree.line(path), path, message);
        return Optional.empty();
    }

    /** The value as the user wrote it, for "got ..." in messages. */
    private String describe(String path, JsonNode v) {
        if (v.isTextual()) {
            return quote(v.textValue());
        }
        if (v.isValueNode()) {
            String written = tree.scalarText(path);
            return written != null ? written : v.asText();
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.asText();
    }

    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder q = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> q.append(c < ' ' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return q.append('"').toString();
    }

    /**
     * {@code build}'s result when section {@code s} is usable and added no error, else null (an error
     * is then reported and the file rejected anyway).
     */
    private <T> T built(Section s, int before, Supplier<T> build) {
        return s.usable() && problems.count() == before ? build.get() : null;
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * One YAML mapping with the keys the schema allows there. Unknown keys are reported when the
     * section is opened; each key is then read once through a {@link Conversion}.
     */
    final class Section {
        final String path;
        /** null when the section is absent from the file (or not a mapping, already reported). */
        private final ObjectNode node;
        /** false for an absent or malformed required section: it is reported once, not once per field. */
        private final boolean reportMissing;
        private final Set<String> fields;

        Section(String path, JsonNode value, boolean reportMissing, String... fields) {
            this.path = path;
            this.fields = new LinkedHashSet<>(List.of(fields));
            this.reportMissing = reportMissing && (value == null || value.isNull() || value.isObject());
            if (value == null || value.isNull()) {
                this.node = null;
            } else if (!value.isObject()) {
                problems.add(tree.line(path), path, "must be a mapping with the keys " + String.join(", ", fields)
                        + "; got " + describe(path, value));
                this.node = null;
            } else {
                this.node = (ObjectNode) value;
                reportUnknownFields();
            }
        }

        private void reportUnknownFields() {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!fields.contains(name)) {
                    String hint = Suggest.closest(name, fields)
                            .map(s -> "did you mean \"" + s + "\"?")
                            .orElse("valid fields here are " + String.join(", ", fields));
                    problems.add(tree.keyLine(child(name)), child(name), "unknown field; " + hint);
                }
            }
        }

        boolean present() {
            return node != null;
        }

        /** False for a missing required section or one that is not a mapping (both already reported). */
        boolean usable() {
            return reportMissing;
        }

        String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        /** The line of the section itself: its key, or its first line for a list item. */
        int line() {
            return Math.max(tree.line(path), 1);
        }

        /** The line of the value of {@code key}, else the section's. */
        int line(String key) {
            int line = tree.line(child(key));
            return line > 0 ? line : line();
        }

        int keyLine(String key) {
            int line = tree.keyLine(child(key));
            return line > 0 ? line : line();
        }

        /** The line of the first of {@code keys} written in the file, else the section's. */
        int firstLine(String... keys) {
            for (String key : keys) {
                if (has(key)) {
                    return line(key);
                }
            }
            return line();
        }

        /** The value of {@code key}, or null when absent or empty. */
        private JsonNode get(String key) {
            if (!fields.contains(key)) {
                throw new IllegalArgumentException(key + " is not declared for " + path);
            }
            JsonNode v = node == null ? null : node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        boolean has(String key) {
            return get(key) != null;
        }

        <T> Optional<T> optional(String key, Conversion<T> conversion) {
            JsonNode v = get(key);
            return v == null ? Optional.empty() : conversion.apply(child(key), v);
        }

        <T> T require(String key, Conversion<T> conversion) {
            return require(key, conversion, null);
        }

        /** The converted value, or null after reporting why there is none. */
        <T> T require(String key, Conversion<T> conversion, String qualifier) {
            JsonNode v = get(key);
            if (v != null) {
                return conversion.apply(child(key), v).orElse(null);
            }
            String suffix = qualifier == null ? "" : " " + qualifier;
            if (node != null && node.has(key)) {
                problems.add(keyLine(key), child(key), "must not be empty" + suffix);
            } else if (reportMissing) {
                problems.add(line(), child(key), "missing required field" + suffix);
            }
            return null;
        }

        Section optionalSection(String key, String... fields) {
            return new Section(child(key), get(key), true, fields);
        }

        Section requiredSection(String key, String... fields) {
            JsonNode v = get(key);
            if (v == null) {
                require(key, (p, x) -> Optional.empty());
                return new Section(child(key), null, false, fields);
            }
            return new Section(child(key), v, true, fields);
        }

        /** The mappings listed under {@code key}; items that are not mappings are reported and skipped. */
        List<Section> sections(String key, String... fields) {
            JsonNode v = get(key);
            if (v == null) {
                return List.of();
            }
            String listPath = child(key);
            if (!v.isArray()) {
                problems.add(tree.line(listPath), listPath, "must be a list, got " + describe(listPath, v));
                return List.of();
            }
            List<Section> items = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                String item = listPath + "[" + i + "]";
                if (v.get(i).isObject()) {
                    items.add(new Section(item, v.get(i), true, fields));
                } else {
                    problems.add(tree.line(item), item, "must be a mapping with the keys " + String.join(", ", fields)
                            + "; got " + describe(item, v.get(i)));
                }
            }
            return items;
        }
    }
}
