package tandem.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * YAML {@code redundancy:}, required with {@code node.profile: redundancy} and refused with any other
 * profile: a warm standby fed by scheduled backups (RED-1..RED-12). Which of the optional parts are
 * present follows the role: an active node has {@link #backup()}, {@link #schedule()},
 * {@link #transfer()} and {@link #standby()}; a standby has {@link #activeLicenseKey()},
 * {@link #standbyImport()} and {@link #switchover()}. A key of the other role is an error in the file,
 * so each of these is present exactly when the role uses it. Defaults: {@link RedundancyDefaults}.
 *
 * @param role             required, {@code active} or {@code standby}
 * @param licenseKey       YAML {@code license-key}, required: this node's own server license key
 *                         (RED-3); each node has its own license set, so a standby's differs from its
 *                         active's
 * @param activeLicenseKey YAML {@code active-license-key}, standby only and required there: the server
 *                         license key of the active whose backups this standby accepts (RED-3, the
 *                         manual's step 5); a backup from another appliance is refused
 * @param version          required: the appliance's version, e.g. {@code 8.4.2}; a backup from another
 *                         version is refused (RED-2)
 * @param backup           active only, required there: how a full backup is created
 * @param schedule         active only, required there: when backups are created and transferred (RED-4)
 * @param transfer         active only, defaults applied: attempts and error mails of a transfer (RED-4)
 * @param standby          active only, required there: how the active reaches the standby over SSH (RED-6)
 * @param standbyImport    YAML {@code import}, standby only, required there: how a received backup is
 *                         imported (RED-1, RED-7)
 * @param switchover       standby only, defaults applied: when and how an admin may switch over (RED-9..RED-11)
 * @param rollback         standby only, optional: what Tandem runs of the guided rollback (RED-12); absent,
 *                         the rollback's backup and import are the operator's steps, by hand
 */
public record Redundancy(RedundancyRole role, LicenseKey licenseKey, Optional<LicenseKey> activeLicenseKey,
        String version, Optional<Backup> backup, Optional<Timer> schedule, Optional<Transfer> transfer,
        Optional<StandbyAccess> standby, Optional<Import> standbyImport, Optional<Switchover> switchover,
        Optional<Rollback> rollback) {

    /**
     * The placeholder every command of this section must contain: replaced by the backup archive's
     * absolute path when the command runs.
     */
    public static final String FILE_PLACEHOLDER = "{file}";

    public Redundancy {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(licenseKey, "licenseKey");
        Objects.requireNonNull(activeLicenseKey, "activeLicenseKey");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(standby, "standby");
        Objects.requireNonNull(standbyImport, "standbyImport");
        Objects.requireNonNull(switchover, "switchover");
        Objects.requireNonNull(rollback, "rollback");
    }

    /** Without a rollback section. */
    public Redundancy(RedundancyRole role, LicenseKey licenseKey, Optional<LicenseKey> activeLicenseKey,
            String version, Optional<Backup> backup, Optional<Timer> schedule, Optional<Transfer> transfer,
            Optional<StandbyAccess> standby, Optional<Import> standbyImport, Optional<Switchover> switchover) {
        this(role, licenseKey, activeLicenseKey, version, backup, schedule, transfer, standby, standbyImport, switchover,
                Optional.empty());
    }

    /** True for the active node. */
    public boolean active() {
        return role == RedundancyRole.ACTIVE;
    }

    /**
     * YAML {@code redundancy.backup:} (active only): how the active creates a full backup (RED-1).
     *
     * @param command required: a command line that writes a full backup of the appliance into the
     *                file named by {@value Redundancy#FILE_PLACEHOLDER} (required in it), exit code 0
     *                on success
     * @param folder  required: where the archives are created and kept (relative to the config file's
     *                folder, so always absolute here)
     * @param keep    1..100, default 3: archives kept in {@code folder}; older ones are deleted
     * @param window  optional: when the appliance creates its own backups; a scheduled run inside it is
     *                refused by {@code tandem check} (RED-5)
     */
    public record Backup(String command, Path folder, int keep, Optional<Window> window) {
        public Backup {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(window, "window");
        }
    }

    /**
     * YAML {@code redundancy.backup.window:}: a daily span in the schedule's time zone, from
     * {@code start} for {@code duration} (it may run past midnight).
     *
     * @param start    required, {@code hh:mm} (24 h)
     * @param duration required, 1m..23h
     */
    public record Window(LocalTime start, Duration duration) {
        public Window {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(duration, "duration");
        }
    }

    /**
     * YAML {@code redundancy.schedule:} (active only), the manual's "Timer-Intervall" (RED-4): the
     * first run at {@code startDate} {@code startTime} in {@code timeZone}, then every {@code every}
     * {@code unit}s. {@code tandem.redundancy.Schedule} computes the runs.
     *
     * @param unit      required: {@code minutes}, {@code hours}, {@code days} or {@code weeks}
     * @param every     required, 1..1000: "repeat every N"
     * @param startDate YAML {@code start-date}, required: {@code dd.mm.yyyy}, a real date
     * @param startTime YAML {@code start-time}, required: {@code hh:mm} (24 h)
     * @param timeZone  YAML {@code time-zone}, default the system's zone: a zone id such as
     *                  {@code Europe/Berlin}
     */
    public record Timer(ScheduleUnit unit, int every, LocalDate startDate, LocalTime startTime, ZoneId timeZone) {
        public Timer {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(startDate, "startDate");
            Objects.requireNonNull(startTime, "startTime");
            Objects.requireNonNull(timeZone, "timeZone");
            if (every < 1) {
                throw new IllegalArgumentException("every must be at least 1, got " + every);
            }
        }
    }

    /**
     * YAML {@code redundancy.transfer:} (active only): how a transfer to the standby is retried and
     * reported (RED-4).
     *
     * @param attempts  1..10, default 3: transfer attempts before the transfer counts as failed
     * @param retryWait YAML {@code retry-wait}, 1s..1h, default 5m (the manual's fixed wait between
     *                  attempts; shorter only for tests and demos)
     * @param mails     default false: send the error report when the last attempt failed; true needs
     *                  {@code errorTo} and the node's {@code mail:} section
     * @param errorTo   YAML {@code error-to}: the one address error reports go to (the manual allows one)
     */
    public record Transfer(int attempts, Duration retryWait, boolean mails, Optional<String> errorTo) {
        public Transfer {
            Objects.requireNonNull(retryWait, "retryWait");
            Objects.requireNonNull(errorTo, "errorTo");
        }
    }

    /**
     * YAML {@code redundancy.standby:} (active only): how the active reaches the standby's SSH server
     * (RED-6).
     *
     * @param address       required: the standby's IPv4 address, a literal (RED-2: each node has its
     *                      own static IPv4)
     * @param sshPort       YAML {@code ssh-port}, default 22
     * @param user          default {@code root}, the manual's SSH user
     * @param password      the SSH password; a literal, {@code ${env:NAME}} or {@code ${file:PATH}};
     *                      exactly one of password and key
     * @param key           a private key file (ed25519 or rsa, OpenSSH format), relative to the config
     *                      file's folder; exactly one of password and key
     * @param knownHosts    YAML {@code known-hosts}, default {@code <node.state-dir>/known_hosts}: the
     *                      standby's host key in OpenSSH's known_hosts format; an unknown or changed
     *                      key stops the transfer
     * @param folder        required: where uploads land on the standby, an absolute path there
     * @param importCommand YAML {@code import-command}, required: the command line run on the standby
     *                      after a verified upload, with {@value Redundancy#FILE_PLACEHOLDER} for the
     *                      uploaded file's path there
     */
    public record StandbyAccess(String address, int sshPort, String user, Optional<Secret> password,
            Optional<Path> key, Path knownHosts, String folder, String importCommand) {
        public StandbyAccess {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(knownHosts, "knownHosts");
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(importCommand, "importCommand");
            if (password.isPresent() == key.isPresent()) {
                throw new IllegalArgumentException("exactly one of password and key");
            }
        }
    }

    /**
     * YAML {@code redundancy.import:} (standby only): how the standby imports a backup (RED-1, RED-7).
     *
     * @param command required: the site's import command line, with {@value Redundancy#FILE_PLACEHOLDER}
     *                for the backup archive's path; exit code 0 on success
     * @param folder  required: where the active's uploads land on this node (relative to the config
     *                file's folder, so always absolute here)
     */
    public record Import(String command, Path folder) {
        public Import {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(folder, "folder");
        }
    }

    /**
     * YAML {@code redundancy.switchover:} (standby only): the manual switchover (RED-9..RED-11).
     *
     * @param downFor       YAML {@code down-for}, 5s..1h, default 60s: how long the active must have
     *                      been completely down (no heartbeat, no ping answer, no SSH answer) before a
     *                      switchover is allowed (RED-9)
     * @param activeAddress YAML {@code active-address}: the active's IPv4 address, probed and taken over
     *                      (RED-9); default {@code peer.address} when that is an IPv4 literal
     * @param activeSshPort YAML {@code active-ssh-port}, default 22: the port probed for an SSH answer
     * @param checklist     default empty: the hardware to move by hand before a switchover (lines, analog
     *                      devices), confirmed by the admin item by item (RED-11)
     * @param users         the addresses mailed after a switchover that phones must be restarted
     *                      (RED-10): {@code users}, or the lines of {@code users-file}; default empty
     * @param usersFile     YAML {@code users-file}, optional: the file {@code users} was read from (one
     *                      address per line, {@code #} comments), relative to the config file's folder
     * @param probes        default {@code [ping, ssh]}, or {@code [ping]} or {@code [ssh]}: which answers of
     *                      the active count, besides its heartbeat, when the standby judges whether it is
     *                      completely down (RED-9), always in the order ping, ssh. A site whose active's
     *                      address keeps answering pings while the appliance is down (an address a
     *                      hypervisor or a NAT answers, or loopback in the demo) leaves ping out
     */
    public record Switchover(Duration downFor, String activeAddress, int activeSshPort, List<String> checklist,
            List<String> users, Optional<Path> usersFile, List<Probe> probes) {
        public Switchover {
            Objects.requireNonNull(downFor, "downFor");
            Objects.requireNonNull(activeAddress, "activeAddress");
            checklist = List.copyOf(checklist);
            users = List.copyOf(users);
            Objects.requireNonNull(usersFile, "usersFile");
            probes = List.copyOf(new java.util.TreeSet<>(probes));
            if (probes.isEmpty()) {
                throw new IllegalArgumentException("probes must name ping, ssh or both");
            }
        }

        /** With the default probes, {@link RedundancyDefaults#PROBES}. */
        public Switchover(Duration downFor, String activeAddress, int activeSshPort, List<String> checklist,
                List<String> users, Optional<Path> usersFile) {
            this(downFor, activeAddress, activeSshPort, checklist, users, usersFile, RedundancyDefaults.PROBES);
        }
    }

    /** YAML {@code redundancy.switchover.probes}: a way, besides its heartbeat, the standby hears the active. */
    public enum Probe {
        /** A ping of {@code switchover.active-address}. */
        PING("ping"),
        /** A TCP connection to {@code switchover.active-ssh-port} there. */
        SSH("ssh");

        private final String yamlName;

        Probe(String yamlName) {
            this.yamlName = yamlName;
        }

        /** As YAML writes it: {@code ping} or {@code ssh}. */
        public String yamlName() {
            return yamlName;
        }
    }

    /**
     * YAML {@code redundancy.rollback:} (standby only, optional): what Tandem runs of the guided rollback
     * (RED-12) after a switchover. The original active is reached over SSH at
     * {@code switchover.active-address}, port {@code switchover.active-ssh-port}; its host key is checked
     * against {@code known-hosts}.
     *
     * @param backupCommand  YAML {@code backup-command}, required: the command line that writes a full backup
     *                       of this node (the now-active appliance) into {@value Redundancy#FILE_PLACEHOLDER};
     *                       exit code 0 on success. The archive is kept in
     *                       {@code <node.state-dir>/rollback/}
     * @param user           default {@code root}: the SSH login on the original
     * @param password       the SSH password; a literal, {@code ${env:NAME}} or {@code ${file:PATH}}; exactly
     *                       one of password and key
     * @param key            a private key file (ed25519 or rsa, OpenSSH format), relative to the config file's
     *                       folder; exactly one of password and key
     * @param knownHosts     YAML {@code known-hosts}, default {@code <node.state-dir>/known_hosts}: the original's
     *                       host key in OpenSSH's known_hosts format; an unknown or changed key stops the step
     * @param folder         required: where the backup is uploaded on the original, an absolute path there
     * @param importCommand  YAML {@code import-command}, required: the command line run on the original to
     *                       import the uploaded backup, with {@value Redundancy#FILE_PLACEHOLDER} for its path there
     * @param restoreCommand YAML {@code restore-command}, optional: the command line run on the original after
     *                       the import to restore its own IPv4 configuration and licenses; absent, that step is
     *                       the operator's, by hand
     * @param timeout        1m..12h, default 30m: how long the backup, the import and the restore command may run
     */
    public record Rollback(String backupCommand, String user, Optional<Secret> password, Optional<Path> key,
            Path knownHosts, String folder, String importCommand, Optional<String> restoreCommand, Duration timeout) {
        public Rollback {
            Objects.requireNonNull(backupCommand, "backupCommand");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(knownHosts, "knownHosts");
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(importCommand, "importCommand");
            Objects.requireNonNull(restoreCommand, "restoreCommand");
            Objects.requireNonNull(timeout, "timeout");
            if (password.isPresent() == key.isPresent()) {
                throw new IllegalArgumentException("exactly one of password and key");
            }
        }
    }
}
