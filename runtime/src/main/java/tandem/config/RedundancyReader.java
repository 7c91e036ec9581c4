package tandem.config;

import static tandem.config.ValueReader.quote;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tandem.config.ValueReader.Conversion;

/**
 * Reads YAML {@code redundancy:} into {@link Redundancy} for {@link ConfigReader}, with the same
 * conventions: every problem at its line into the file's {@link Problems}, all reported at once.
 * A key of the other role is refused with the role that uses it, so a file never carries a
 * setting that would be silently ignored.
 */
final class RedundancyReader {
    static final String[] KEYS = {"role", "license-key", "active-license-key", "version", "backup", "schedule",
        "transfer", "standby", "import", "switchover", "rollback"};
    private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)");
    private static final Pattern DATE_FORM = Pattern.compile("\\d{2}\\.\\d{2}\\.\\d{4}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd.MM.uuuu")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Duration WINDOW_MIN = Duration.ofMinutes(1);

    private final ValueReader v;
    private final Problems problems;
    private final CrossFieldRules crossField;
    /** The node's profile, null when missing or invalid (already reported). */
    private final Profile profile;
    /** null when {@code node:} has errors (already reported). */
    private final Node node;
    /** null when {@code peer:} has errors (already reported). */
    private final Peer peer;
    /** Whether the file has a {@code mail:} section (valid or not: its own errors are its own). */
    private final boolean mailConfigured;

    RedundancyReader(ValueReader values, CrossFieldRules crossField, Profile profile, Node node, Peer peer,
            boolean mailConfigured) {
        this.v = values;
        this.problems = values.problems;
        this.crossField = crossField;
        this.profile = profile;
        this.node = node;
        this.peer = peer;
        this.mailConfigured = mailConfigured;
    }

    /** The section of {@code root}: required for the redundancy profile, refused for the others. */
    Optional<Redundancy> read(Section root) {
        Section s;
        if (profile == Profile.REDUNDANCY) {
            s = root.requiredSectionWhere("redundancy", "for node.profile redundancy", KEYS);
        } else if (profile == null) {
            s = root.optionalSection("redundancy", KEYS); // its values are still checked
        } else {
            if (root.written("redundancy")) {
                problems.add(root.keyLine("redundancy"), "redundancy", "is a section of the redundancy profile"
                        + " (RED-1..RED-12); node.profile is " + profile.yamlName());
            }
            return Optional.empty();
        }
        if (!s.present()) {
            return Optional.empty();
        }
        int before = problems.count();
        RedundancyRole role = s.require("role", (p, x) -> v.enumValue(p, x, RedundancyRole.class));
        LicenseKey licenseKey = s.require("license-key", this::licenseKey);
        Optional<LicenseKey> activeKey = forRole(s, "active-license-key", RedundancyRole.STANDBY, role,
                this::licenseKey);
        if (licenseKey != null && activeKey.isPresent() && activeKey.get().equals(licenseKey)) {
            problems.add(s.line("active-license-key"), s.child("active-license-key"), "must differ from license-key:"
                    + " the standby has its own license set, its server license is not the active's (RED-3)");
        }
        String version = s.require("version", this::version);

        Redundancy.Backup backup = backup(section(s, "backup", RedundancyRole.ACTIVE, role, true,
                "command", "folder", "keep", "window"));
        Section scheduleSection = section(s, "schedule", RedundancyRole.ACTIVE, role, true,
                "unit", "every", "start-date", "start-time", "time-zone");
        Redundancy.Timer schedule = schedule(scheduleSection);
        Redundancy.Transfer transfer = transfer(section(s, "transfer", RedundancyRole.ACTIVE, role, false,
                "attempts", "retry-wait", "mails", "error-to"));
        Redundancy.StandbyAccess standby = standby(section(s, "standby", RedundancyRole.ACTIVE, role, true,
                "address", "ssh-port", "user", "password", "key", "known-hosts", "folder", "import-command"));
        Redundancy.Import standbyImport = standbyImport(section(s, "import", RedundancyRole.STANDBY, role, true,
                "command", "folder"));
        Redundancy.Switchover switchover = switchover(s, section(s, "switchover", RedundancyRole.STANDBY, role, false,
                "down-for", "active-address", "active-ssh-port", "checklist", "users", "users-file", "probes"));
        Section rollbackSection = section(s, "rollback", RedundancyRole.STANDBY, role, false,
                "backup-command", "user", "password", "key", "known-hosts", "folder", "import-command",
                "restore-command", "timeout");
        Redundancy.Rollback rollback = rollback(rollbackSection);

        if (schedule != null && backup != null && backup.window().isPresent()) {
            crossField.checkScheduleMissesBackupWindow(scheduleSection, schedule, backup.window().get());
        }
        boolean active = role == RedundancyRole.ACTIVE;
        boolean partsBuilt = active ? backup != null && schedule != null && transfer != null && standby != null
                : standbyImport != null && switchover != null
                        && (rollbackSection == null || !rollbackSection.present() || rollback != null);
        // a part is also missing when it depends on node: or peer:, whose errors are reported there
        if (role == null || !s.usable() || problems.count() > before || !partsBuilt) {
            return Optional.empty();
        }
        return Optional.of(new Redundancy(role, licenseKey, activeKey, version,
                active ? Optional.of(backup) : Optional.empty(),
                active ? Optional.of(schedule) : Optional.empty(),
                active ? Optional.of(transfer) : Optional.empty(),
                active ? Optional.of(standby) : Optional.empty(),
                active ? Optional.empty() : Optional.of(standbyImport),
                active ? Optional.empty() : Optional.of(switchover),
                Optional.ofNullable(active ? null : rollback)));
    }

    // ---------------------------------------------------------------------------------------------
    // role-specific keys

    /**
     * A scalar key of {@code owner}'s role: refused for the other role, read (not required) while the
     * role is unknown.
     */
    private <T> Optional<T> forRole(Section s, String key, RedundancyRole owner, RedundancyRole role,
            Conversion<T> conversion) {
        if (refusedForRole(s, key, owner, role)) {
            return Optional.empty();
        }
        if (role == owner) {
            return Optional.ofNullable(s.require(key, conversion, "for role " + owner.yamlName()));
        }
        return s.optional(key, conversion);
    }

    /**
     * A mapping of {@code owner}'s role: null for the other role (refused if written); required there
     * when {@code required}, else optional (absent: every default applies).
     */
    private Section section(Section s, String key, RedundancyRole owner, RedundancyRole role, boolean required,
            String... fields) {
        if (refusedForRole(s, key, owner, role)) {
            return null;
        }
        return required && role == owner ? s.requiredSectionWhere(key, "for role " + owner.yamlName(), fields)
                : s.optionalSection(key, fields);
    }

    private boolean refusedForRole(Section s, String key, RedundancyRole owner, RedundancyRole role) {
        if (role == null || role == owner) {
            return false;
        }
        if (s.written(key)) {
            problems.add(s.keyLine(key), s.child(key), "is a setting of role " + owner.yamlName() + " only;"
                    + " redundancy.role is " + role.yamlName());
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // sections

    private Redundancy.Backup backup(Section s) {
        if (s == null || !s.present()) {
            return null;
        }
        int before = problems.count();
        String command = s.require("command", this::fileCommand);
        Path folder = s.require("folder", v::path);
        int keep = s.optional("keep", (p, x) -> v.integer(p, x, 1, RedundancyDefaults.KEEP_MAX))
                .orElse(RedundancyDefaults.KEEP);
        Optional<Redundancy.Window> window = Optional.ofNullable(window(s.optionalSection("window",
                "start", "duration")));
        return built(s, before, () -> new Redundancy.Backup(command, folder, keep, window));
    }

    private Redundancy.Window window(Section s) {
        if (!s.present()) {
            return null;
        }
        int before = problems.count();
        LocalTime start = s.require("start", this::timeOfDay);
        Duration duration = s.require("duration",
                (p, x) -> v.durationIn(p, x, WINDOW_MIN, RedundancyDefaults.WINDOW_MAX));
        return built(s, before, () -> new Redundancy.Window(start, duration));
    }

    private Redundancy.Timer schedule(Section s) {
        if (s == null || !s.present()) {
            return null;
        }
        int before = problems.count();
        ScheduleUnit unit = s.require("unit", (p, x) -> v.enumValue(p, x, ScheduleUnit.class));
        Integer every = s.require("every", (p, x) -> v.integer(p, x, 1, RedundancyDefaults.EVERY_MAX));
        LocalDate startDate = s.require("start-date", this::date);
        LocalTime startTime = s.require("start-time", this::timeOfDay);
        ZoneId zone = s.optional("time-zone", this::zone).orElseGet(ZoneId::systemDefault);
        return built(s, before, () -> new Redundancy.Timer(unit, every, startDate, startTime, zone));
    }

    private Redundancy.Transfer transfer(Section s) {
        if (s == null) {
            return null;
        }
        int before = problems.count();
        int attempts = s.optional("attempts", (p, x) -> v.integer(p, x, 1, RedundancyDefaults.ATTEMPTS_MAX))
                .orElse(RedundancyDefaults.ATTEMPTS);
        Duration retryWait = s.optional("retry-wait", (p, x) -> v.durationIn(p, x, RedundancyDefaults.RETRY_WAIT_MIN,
                RedundancyDefaults.RETRY_WAIT_MAX)).orElse(RedundancyDefaults.RETRY_WAIT);
        Optional<Boolean> mailsValue = s.optional("mails", v::bool);
        boolean mails = mailsValue.orElse(RedundancyDefaults.MAILS);
        Optional<String> errorTo = s.optional("error-to", this::oneMailAddress);
        if (mails && !s.written("error-to")) {
            problems.add(s.line("mails"), s.child("mails"), "true needs error-to, the one address error reports"
                    + " go to (RED-4)");
        }
        if (mails && !mailConfigured) {
            problems.add(s.line("mails"), s.child("mails"), "true needs the node's mail: section, the mail server"
                    + " the error reports go through");
        }
        return built(s, before, () -> new Redundancy.Transfer(attempts, retryWait, mails, errorTo));
    }

    private Redundancy.StandbyAccess standby(Section s) {
        if (s == null || !s.present()) {
            return null;
        }
        int before = problems.count();
        String address = s.require("address", this::ipv4);
        int sshPort = s.optional("ssh-port", v::port).orElse(RedundancyDefaults.SSH_PORT);
        String user = s.optional("user", v::nonBlank).orElse(RedundancyDefaults.USER);
        Optional<Secret> password = s.optional("password", v::secret);
        Optional<Path> key = s.optional("key", (p, x) -> v.path(p, x).flatMap(file -> SshKeyFile.problem(file)
                .map(why -> v.<Path>fail(p, why)).orElse(Optional.of(file))));
        if (s.written("password") && s.written("key")) {
            problems.add(s.keyLine("key"), s.child("key"), "give password or key, not both (RED-6)");
        } else if (!s.written("password") && !s.written("key")) {
            problems.add(s.line(), s.child("password"), "missing: the standby's SSH login needs a password or a key"
                    + " (RED-6)");
        }
        Optional<Path> knownHosts = s.optional("known-hosts", v::path);
        String folder = s.require("folder", (p, x) -> remoteAbsolutePath(p, x, "the standby"));
        String importCommand = s.require("import-command", this::fileCommand);
        if (knownHosts.isEmpty() && node == null) {
            return null; // the default lies in node.state-dir, and node: has errors
        }
        return built(s, before, () -> new Redundancy.StandbyAccess(address, sshPort, user, password, key,
                knownHosts.orElseGet(() -> node.stateDir().resolve(RedundancyDefaults.KNOWN_HOSTS)), folder,
                importCommand));
    }

    private Redundancy.Import standbyImport(Section s) {
        if (s == null || !s.present()) {
            return null;
        }
        int before = problems.count();
        String command = s.require("command", this::fileCommand);
        Path folder = s.require("folder", v::path);
        return built(s, before, () -> new Redundancy.Import(command, folder));
    }

    private Redundancy.Switchover switchover(Section redundancy, Section s) {
        if (s == null) {
            return null;
        }
        int before = problems.count();
        Duration downFor = s.optional("down-for", (p, x) -> v.durationIn(p, x, RedundancyDefaults.DOWN_FOR_MIN,
                RedundancyDefaults.DOWN_FOR_MAX)).orElse(RedundancyDefaults.DOWN_FOR);
        Optional<String> address = s.optional("active-address", this::ipv4);
        if (!s.written("active-address") && peer != null && !Addresses.isIpv4(peer.address())) {
            problems.add(s.present() ? s.line() : redundancy.line(), s.child("active-address"),
                    "missing: peer.address " + quote(peer.address()) + " is not an IPv4 address, so give the"
                            + " active's IPv4 address the standby takes over (RED-9) here");
        }
        int sshPort = s.optional("active-ssh-port", v::port).orElse(RedundancyDefaults.SSH_PORT);
        List<String> checklist = s.optional("checklist", (p, x) -> v.list(p, x, v::nonBlank)).orElse(List.of());
        Optional<List<String>> users = s.optional("users", (p, x) -> v.list(p, x, v::mailAddress));
        Optional<Path> usersFile = s.optional("users-file", v::path);
        Optional<List<String>> fileUsers = usersFile.flatMap(f -> usersFile(s.child("users-file"), f));
        if (s.written("users") && s.written("users-file")) {
            problems.add(s.keyLine("users-file"), s.child("users-file"), "give users or users-file, not both");
        }
        List<Redundancy.Probe> probes = s.optional("probes", this::probes).orElse(RedundancyDefaults.PROBES);
        List<String> recipients = users.or(() -> fileUsers).orElse(List.of());
        if (!recipients.isEmpty() && !mailConfigured) {
            String key = s.has("users") ? "users" : "users-file";
            problems.add(s.line(key), s.child(key), "needs the node's mail: section: the switchover mails go"
                    + " through the configured mail server (RED-10)");
        }
        if (address.isEmpty() && (peer == null || !Addresses.isIpv4(peer.address()))) {
            return null; // reported here or in peer:
        }
        return built(s, before, () -> new Redundancy.Switchover(downFor,
                address.orElseGet(() -> peer.address()), sshPort, checklist, recipients, usersFile, probes));
    }

    /** {@code switchover.probes}: {@code [ping]}, {@code [ssh]} or {@code [ping, ssh]} (in either order). */
    private Optional<List<Redundancy.Probe>> probes(String path, JsonNode x) {
        String expected = "must be [ping], [ssh] or [ping, ssh] (which answers of the active count besides its"
                + " heartbeat, RED-9)";
        if (!x.isArray()) {
            return v.fail(path, expected + ", got " + (x.isValueNode() ? quote(x.asText()) : "a mapping"));
        }
        List<Redundancy.Probe> probes = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            String name = x.get(i).isTextual() ? x.get(i).asText() : String.valueOf(x.get(i));
            Optional<Redundancy.Probe> p = java.util.Arrays.stream(Redundancy.Probe.values())
                    .filter(k -> k.yamlName().equals(name)).findFirst();
            if (p.isEmpty()) {
                return v.fail(path + "[" + i + "]", expected + ", got " + quote(name));
            }
            if (probes.contains(p.get())) {
                return v.fail(path + "[" + i + "]", expected + ", got " + quote(name) + " twice");
            }
            probes.add(p.get());
        }
        if (probes.isEmpty()) {
            return v.fail(path, expected + ", got an empty list: the active's heartbeat alone never shows that it"
                    + " is completely down");
        }
        return Optional.of(probes);
    }

    private Redundancy.Rollback rollback(Section s) {
        if (s == null || !s.present()) {
            return null;
        }
        int before = problems.count();
        String backupCommand = s.require("backup-command", this::fileCommand);
        String user = s.optional("user", v::nonBlank).orElse(RedundancyDefaults.USER);
        Optional<Secret> password = s.optional("password", v::secret);
        Optional<Path> key = s.optional("key", (p, x) -> v.path(p, x).flatMap(file -> SshKeyFile.problem(file)
                .map(why -> v.<Path>fail(p, why)).orElse(Optional.of(file))));
        if (s.written("password") && s.written("key")) {
            problems.add(s.keyLine("key"), s.child("key"), "give password or key, not both");
        } else if (!s.written("password") && !s.written("key")) {
            problems.add(s.line(), s.child("password"), "missing: the SSH login on the original active needs a"
                    + " password or a key (the rollback imports the backup there, RED-12)");
        }
        Optional<Path> knownHosts = s.optional("known-hosts", v::path);
        String folder = s.require("folder", (p, x) -> remoteAbsolutePath(p, x, "the original active"));
        String importCommand = s.require("import-command", this::fileCommand);
        Optional<String> restoreCommand = s.optional("restore-command", v::nonBlank);
        Duration timeout = s.optional("timeout", (p, x) -> v.durationIn(p, x, RedundancyDefaults.ROLLBACK_TIMEOUT_MIN,
                RedundancyDefaults.ROLLBACK_TIMEOUT_MAX)).orElse(RedundancyDefaults.ROLLBACK_TIMEOUT);
        if (knownHosts.isEmpty() && node == null) {
            return null; // the default lies in node.state-dir, and node: has errors
        }
        return built(s, before, () -> new Redundancy.Rollback(backupCommand, user, password, key,
                knownHosts.orElseGet(() -> node.stateDir().resolve(RedundancyDefaults.KNOWN_HOSTS)), folder,
                importCommand, restoreCommand, timeout));
    }

    /** The addresses of a users file: one a line, {@code #} to the end of a line is a comment. */
    private Optional<List<String>> usersFile(String path, Path file) {
        String text;
        try {
            text = TextFile.read(file, TextFile.DOCUMENT_LIMIT, "a users file");
        } catch (TextFile.Unreadable e) {
            return v.fail(path, "file " + file + (e.problem().line() > 0 ? " line " + e.problem().line() + ":" : "")
                    + " " + e.problem().message());
        }
        List<String> addresses = new ArrayList<>();
        boolean ok = true;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String address = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (address.isEmpty()) {
                continue;
            }
            if (!Addresses.isMailAddress(address)) {
                v.fail(path, "file " + file + " line " + (i + 1) + ": must be a mail address like ops@example.org,"
                        + " got " + quote(address));
                ok = false;
            } else {
                addresses.add(address);
            }
        }
        return ok ? Optional.of(addresses) : Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------
    // values

    private Optional<LicenseKey> licenseKey(String path, JsonNode x) {
        return v.text(path, x).flatMap(t -> LicenseKey.problem(t)
                .map(why -> v.<LicenseKey>fail(path, "must be a license key " + LicenseKey.FORMAT
                        + " (four groups of five letters A-Z or digits): " + why + ", got " + quote(t)))
                .orElseGet(() -> Optional.of(LicenseKey.parse(t))));
    }

    private Optional<String> version(String path, JsonNode x) {
        return v.nonBlank(path, x).flatMap(t -> t.chars().anyMatch(Character::isWhitespace)
                ? v.fail(path, "must be a version without spaces, such as 8.4.2, got " + quote(t))
                : Optional.of(t));
    }

    /** A command line with the {@value Redundancy#FILE_PLACEHOLDER} placeholder. */
    private Optional<String> fileCommand(String path, JsonNode x) {
        return v.nonBlank(path, x).flatMap(t -> t.contains(Redundancy.FILE_PLACEHOLDER) ? Optional.of(t)
                : v.fail(path, "must contain " + Redundancy.FILE_PLACEHOLDER + ", the placeholder for the backup"
                        + " archive's path, got " + quote(t)));
    }

    private Optional<String> ipv4(String path, JsonNode x) {
        return v.nonBlank(path, x).flatMap(t -> Addresses.isIpv4(t) ? Optional.of(t)
                : v.fail(path, "must be an IPv4 address such as 192.0.2.11 (not a host name: each node has its own"
                        + " static IPv4, RED-2), got " + quote(t)));
    }

    /** A path on the other node: absolute as written, since this file's folder means nothing there. */
    private Optional<String> remoteAbsolutePath(String path, JsonNode x, String where) {
        return v.nonBlank(path, x).flatMap(t -> t.startsWith("/") ? Optional.of(t)
                : v.fail(path, "must be an absolute path on " + where + " (starting with /), got " + quote(t)));
    }

    /** RED-4's "hh:mm", 24 h. */
    private Optional<LocalTime> timeOfDay(String path, JsonNode x) {
        return v.text(path, x).flatMap(t -> {
            Matcher m = TIME.matcher(t.strip());
            return m.matches() ? Optional.of(LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))))
                    : v.fail(path, "must be a time hh:mm (24 h), e.g. \"02:30\", got " + v.describe(path, x));
        });
    }

    /** RED-4's "dd.mm.yyyy". */
    private Optional<LocalDate> date(String path, JsonNode x) {
        return v.text(path, x).flatMap(t -> {
            String d = t.strip();
            if (!DATE_FORM.matcher(d).matches()) {
                return v.fail(path, "must be a date dd.mm.yyyy, e.g. 24.12.2026, got " + v.describe(path, x));
            }
            try {
                return Optional.of(LocalDate.parse(d, DATE));
            } catch (DateTimeException e) {
                return v.fail(path, "is not a date of the calendar: " + quote(d) + " (dd.mm.yyyy)");
            }
        });
    }

    private Optional<ZoneId> zone(String path, JsonNode x) {
        return v.nonBlank(path, x).flatMap(t -> {
            try {
                return Optional.of(ZoneId.of(t));
            } catch (DateTimeException e) {
                return v.fail(path, "must be a time zone such as Europe/Berlin or UTC, got " + quote(t));
            }
        });
    }

    /** The manual allows one address for error reports; a list is refused rather than cut short. */
    private Optional<String> oneMailAddress(String path, JsonNode x) {
        if (x.isArray()) {
            return v.fail(path, "is one mail address (the error reports go to one address, RED-4), got a list");
        }
        return v.mailAddress(path, x);
    }

    private <T> T built(Section s, int before, Supplier<T> build) {
        return s.usable() && problems.count() == before ? build.get() : null;
    }
}
