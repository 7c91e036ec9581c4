package tandem.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Validates one parsed node file against the schema and builds the records. Every check reports
 * into {@link Problems} and carries on, so one run finds all errors; records are only handed out
 * when there were none.
 *
 * <p>The schema is written out here field by field ({@link Section} declares each mapping's keys),
 * rather than derived from the records by databind: that keeps the line of every error and lets the
 * defaults depend on the profile. The values are read by {@link ValueReader}'s conversions, and the
 * rules that span fields are {@link CrossFieldRules}. The redundancy profile's section, whose keys
 * depend on the node's role, is read by {@link RedundancyReader}.
 */
final class ConfigReader extends ValueReader {
    private static final int MIN_SECRET_LENGTH = 16;
    /** The longest {@code fencing.timeout}: a takeover waits for the fence. */
    private static final Duration FENCING_TIMEOUT_MAX = Duration.ofMinutes(10);

    private final Path file;
    private CrossFieldRules crossField;

    // values other sections depend on; null when missing or invalid (an error is then already reported)
    private String nodeId;
    private Profile profile;
    private ProfileDefaults defaults = ProfileDefaults.MS_FAILOVER;
    private Duration failoverTimeout;
    private Integer fall;

    private ConfigReader(String displayName, Path file, Path baseDir, Map<String, String> env) {
        super(displayName, baseDir, env);
        this.file = file;
    }

    static NodeConfig read(String displayName, String yamlText, Path file, Path baseDir, Map<String, String> env) {
        return new ConfigReader(displayName, file, baseDir, env).read(yamlText);
    }

    private NodeConfig read(String yamlText) {
        tree = YamlTree.parse(yamlText, problems);
        if (tree == null) {
            problems.throwIfAny();
        }
        crossField = new CrossFieldRules(problems, tree);
        JsonNode rootNode = tree.root();
        if (!rootNode.isObject()) {
            problems.add(Math.max(tree.line(""), 1), "",
                    "the file must be a mapping with the sections node, cluster, peer, ...; got " + describe("", rootNode));
            problems.throwIfAny();
        }
        Section root = new Section(this, "", rootNode, true, "node", "cluster", "listen", "peer", "witness", "timings",
                "checkers", "services", "vip", "replication", "mail", "console", "extensions", "fencing", "rules", "redundancy");

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
                "enabled", "address", "port", "protocol", "user", "password-hash", "keystore", "keystore-password",
                "read-timeout", "idle-timeout", "max-connections", "hawtio-port");
        Console console = console(consoleSection, listen);
        Extensions extensions = extensions(root.optionalSection("extensions", "rules", "routes", "disable-rules",
                "scenarios"));
        Optional<Fencing> fencing = fencing(root.optionalSection("fencing", "command", "timeout"));
        Rules rules = rules(root.optionalSection("rules", "loop-guard"));
        Optional<Redundancy> redundancy = new RedundancyReader(this, crossField, profile, node, peer,
                root.has("mail")).read(root);

        if (listen != null && console != null) {
            crossField.checkConsoleDoesNotShareListenPort(listenSection, listen, consoleSection, console);
            crossField.checkHawtioPortIsFree(consoleSection, listen, console);
        }
        if (listen != null && replication != null) {
            crossField.checkSyncPortIsFree(replicationSection, listen, peer, console, replication);
        }
        if (node != null && replication != null) {
            crossField.checkFoldersLeaveTheStateDirAlone(replicationSection, node, replication);
        }
        problems.throwIfAny();
        return new NodeConfig(file, node, cluster, listen, peer, witness, timings, checkers, services, vip,
                replication, mail, console, extensions, fencing, rules, redundancy);
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
        String address = s.require("address", (p, v) -> address(p, v).flatMap(a -> profile == Profile.SBS
                ? fail(p, "the sbs profile has no witness: its primary, cut off from its peer and the witness, would"
                        + " keep the role while the backup server takes over; a partition is settled after the heal by"
                        + " SBS-11 (two primaries). Remove the witness section")
                : Optional.of(a)));
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
        crossField.checkTimings(s, t);
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
                crossField.unique(resources, type.yamlName() + "." + name, s, "name", "resource");
            }
            if (interval.isPresent() && critical && failoverTimeout != null) {
                crossField.checkCriticalCheckerInterval(s, interval.get(), fall, failoverTimeout);
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
                crossField.unique(names, name, s, "name", "service name");
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
                crossField.unique(paths, path.toString(), f, "path", "folder");
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

    /**
     * @param listen the node's peer-link address: the console's when none is given (never every address by
     *               surprise: loopback when the link listens on every address)
     */
    private Console console(Section s, Endpoint listen) {
        int before = problems.count();
        boolean enabled = s.optional("enabled", this::bool).orElse(ProfileDefaults.CONSOLE_ENABLED);
        String address = s.optional("address", this::address).orElseGet(() -> listen == null
                || listen.address().equals(ProfileDefaults.ANY_ADDRESS) || listen.address().equals("::")
                ? ProfileDefaults.LOOPBACK : listen.address());
        int port = s.optional("port", this::port).orElse(ProfileDefaults.CONSOLE_PORT);
        // HTTP only when the site says so, or on loopback, where nobody but this machine listens
        ConsoleProtocol protocol = s.optional("protocol", (p, v) -> enumValue(p, v, ConsoleProtocol.class))
                .orElse(Addresses.isLoopback(address) ? ConsoleProtocol.HTTP : ProfileDefaults.CONSOLE_PROTOCOL);
        Optional<Path> keystore = s.optional("keystore", this::path);
        Optional<Secret> keystorePassword = s.optional("keystore-password", this::secret);
        if (keystore.isPresent() != keystorePassword.isPresent()) {
            String given = keystore.isPresent() ? "keystore" : "keystore-password";
            problems.add(s.line(given), s.child(keystore.isPresent() ? "keystore-password" : "keystore"),
                    "required with console." + given + ": the console's PKCS#12 keystore and its password go together");
        } else if (keystore.isPresent() && !java.nio.file.Files.isRegularFile(keystore.get())) {
            problems.add(s.line("keystore"), s.child("keystore"), "no such file " + keystore.get());
        } else if (keystore.isPresent() && protocol == ConsoleProtocol.HTTP) {
            problems.add(s.line("keystore"), s.child("keystore"), "a keystore is for HTTPS, but console.protocol is"
                    + " http; remove one or the other");
        }
        String user = s.optional("user", this::nonBlank).orElse(ProfileDefaults.CONSOLE_USER);
        Optional<Secret> passwordHash = s.optional("password-hash", (p, v) -> secret(p, v).flatMap(x -> {
            try {
                PasswordHash.parse(x.reveal());
                return Optional.of(x);
            } catch (IllegalArgumentException e) {
                // the reason names the wrong part only: a plain password written here is never shown
                return fail(p, "not a hash made by `tandem set-password` (expected " + PasswordHash.FORMAT + ")"
                        + (x.source().equals("literal") ? "" : " in " + x.source()) + ": " + e.getMessage());
            }
        }));
        Duration readTimeout = s.optional("read-timeout", (p, v) -> durationIn(p, v, Duration.ofMillis(100), Duration.ofMinutes(10)))
                .orElse(ProfileDefaults.CONSOLE_READ_TIMEOUT);
        Duration idleTimeout = s.optional("idle-timeout", (p, v) -> durationIn(p, v, Duration.ofSeconds(1), Duration.ofHours(1)))
                .orElse(ProfileDefaults.CONSOLE_IDLE_TIMEOUT);
        int maxConnections = s.optional("max-connections", (p, v) -> integer(p, v, 1, 1000))
                .orElse(ProfileDefaults.CONSOLE_MAX_CONNECTIONS);
        Optional<Integer> hawtioPort = s.optional("hawtio-port", this::port);
        return built(s, before, () -> new Console(enabled, address, port, protocol, user, passwordHash,
                readTimeout, idleTimeout, maxConnections, keystore, keystorePassword, hawtioPort));
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
        // whether a rule has the name is known once the rules are read (RuleSet), so each keeps its line
        List<Extensions.DisabledRule> disable = s.optional("disable-rules", (p, v) -> list(p, v, (item, name) ->
                nonBlank(item, name).map(n -> new Extensions.DisabledRule(n, problems.file(), tree.line(item), item))))
                .orElse(List.of());
        Map<String, String> seen = new HashMap<>();
        for (Extensions.DisabledRule d : disable) {
            String first = seen.putIfAbsent(d.rule(), d.path());
            if (first != null) {
                problems.add(d.line(), d.path(), "rule " + quote(d.rule()) + " is listed twice; " + first + " (line "
                        + tree.line(first) + ") already has it");
            }
        }
        List<Path> scenarios = s.optional("scenarios", (p, v) -> list(p, v, this::path)).orElse(List.of());
        return built(s, before, () -> new Extensions(rules, routes, disable, scenarios));
    }

    /**
     * {@code build}'s result when section {@code s} is usable and added no error, else null (an error
     * is then reported and the file rejected anyway).
     */
    private <T> T built(Section s, int before, Supplier<T> build) {
        return s.usable() && problems.count() == before ? build.get() : null;
    }
}
