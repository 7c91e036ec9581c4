package tandem.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;
import tandem.redundancy.LastTransfer;

/**
 * The fault {@code ssh-gone-mid-upload} of the redundancy profile: the standby's SSH server goes away
 * while the active uploads a backup to it, and comes back after a while, either within the transfer's
 * attempts (the next attempt succeeds) or after the last one (the transfer has failed for good and the
 * next one must succeed).
 *
 * <p>One trial: a real active ({@code tandem run} in a JVM of its own, {@link LocalCluster}, the standby
 * node not started: the active serves alone) with {@code transfer: {attempts: 3, retry-wait: 1s, mails:
 * true}} and a daily schedule whose last run fell due before it started, so that it sends a backup as
 * soon as it serves. The backup command writes {@value #MIB} MiB of random bytes. The "standby" is
 * {@link UploadStandby}, an SSH server in this process whose SFTP writes are throttled to
 * {@value #BYTES_PER_SECOND} bytes/s; its import command is a small script ({@code import.sh}) that
 * records which file it got, its size and SHA-256 and those of the manifest beside it. GreenMail takes
 * the node's mail.
 *
 * <p>From the seed: the point of the upload where the server goes away (15 % to 85 % of the archive
 * found in the hidden {@code .NAME.part} on the server), and when it comes back: after the failure of
 * attempt 1 or 2 has been logged plus 0 to 300 ms (the retry, 1 s later, succeeds), or after the
 * transfer failed for good plus 0 to 2 s; then the operator asks for a transfer now (the site command
 * {@code transfer-now}, a route and a rule of this trial's site folders: the profile has no such
 * command, and the schedule's next run is a day away).
 *
 * <p>Invariants, each broken one a violation: the standby's upload folder never holds a file under its
 * final archive name that is partial or differs from the manifest (scanned every 50 ms); the import
 * command never ran on a partial or unverified archive; a cut the attempts cover ends in exactly one
 * import of that backup, a successful transfer and no error mail; a cut beyond them ends with the
 * transfer failed in the node's status and {@code last-transfer.json}, one error mail and no import of
 * that backup, and the next transfer after the server's return succeeds with exactly one import; the
 * node never dies and stays {@code ALONE} (the active that serves) from the moment it first serves.
 */
final class UploadCutFault {
    static final String FAULT = "ssh-gone-mid-upload";
    static final String PROFILE = "redundancy";
    static final int ATTEMPTS = 3;
    static final Duration RETRY_WAIT = Duration.ofSeconds(1);
    static final int MIB = 3;
    static final long BYTES_PER_SECOND = 1536L * 1024;
    static final String ERROR_TO = "backup-errors@example.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ATTEMPT_FAILED = Pattern.compile("backup transfer attempt (\\d+) of (\\d+) failed");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final Duration STEP_LIMIT = Duration.ofSeconds(30);

    private UploadCutFault() {
    }

    /**
     * What the seed chose.
     *
     * @param beyond       the server comes back after the last attempt failed (else within the attempts)
     * @param cutAt        the share of the archive on the server when it goes away
     * @param afterFailure the server comes back once this many attempts have failed
     * @param returnDelayMs and this long after that failure was seen
     */
    record Plan(boolean beyond, double cutAt, int afterFailure, long returnDelayMs) {
        static Plan of(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            boolean beyond = r.nextBoolean();
            double cut = 0.15 + 0.7 * r.nextDouble();
            int after = beyond ? ATTEMPTS : 1 + r.nextInt(ATTEMPTS - 1);
            long delay = beyond ? r.nextInt(2000) : r.nextInt(300);
            return new Plan(beyond, cut, after, delay);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "cut at %.0f %% of the archive, back %d ms after %s", cutAt * 100,
                    returnDelayMs, beyond ? "the transfer failed for good (" + ATTEMPTS + " attempts)"
                            : "attempt " + afterFailure + " of " + ATTEMPTS + " failed");
        }
    }

    /** Runs one trial in {@code dir} (an empty folder of its own). */
    static Trial trial(Path dir, long seed) throws Exception {
        Plan plan = Plan.of(seed);
        String at = Instant.now().toString();
        Files.createDirectories(dir);
        try (Run run = new Run(dir, plan)) {
            run.go();
            return new Trial(FAULT, PROFILE, seed, at, -1, run.pairMs, 0, List.copyOf(run.violations),
                    List.copyOf(run.notes));
        }
    }

    /** One trial's servers, node, watchers and findings. */
    private static final class Run implements AutoCloseable {
        final Path dir;
        final Plan plan;
        final long t0 = System.nanoTime();
        final Set<String> violations = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
        final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        final Path pair;
        final Path incoming;
        final Path backups;
        final Path importLog;
        final Path stateDir;
        GreenMail smtp;
        UploadStandby standby;
        LocalCluster cluster;
        Node node;
        ScheduledExecutorService watchers;
        long pairMs = -1;
        /** the node's status once it served: ALONE seen */
        volatile boolean served;
        volatile long servedAt = -1;
        volatile String lastState = "";
        /** the node's status answered once (it did not before its API was up) */
        volatile boolean answered;
        volatile int unanswered;
        volatile boolean died;
        final Map<String, String> hashed = new ConcurrentHashMap<>();
        long logOffset;
        final List<Instant> failures = new ArrayList<>();
        final StringBuilder logTail = new StringBuilder();
        int errors;
        String firstError;

        Run(Path dir, Plan plan) {
            this.dir = dir;
            this.plan = plan;
            this.pair = dir.resolve("pair");
            this.incoming = dir.resolve("standby/incoming");
            this.backups = pair.resolve("backups");
            this.importLog = dir.resolve("standby/imports.log");
            this.stateDir = pair.resolve("state/node1");
            notes.add("plan: " + plan);
        }

        void go() throws Exception {
            setUp();
            cluster.start(node);
            watchers = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "upload-fault watcher");
                t.setDaemon(true);
                return t;
            });
            watchers.scheduleWithFixedDelay(this::scan, 0, 50, TimeUnit.MILLISECONDS);
            watchers.scheduleWithFixedDelay(this::watchNode, 0, 200, TimeUnit.MILLISECONDS);

            // the due run goes out as soon as the active serves; the server goes away in the middle of it
            if (!await("the node serving (ALONE)", START_LIMIT, () -> served || died)) {
                return;
            }
            Optional<Path> part = awaitPart();
            if (part.isEmpty()) {
                return;
            }
            String name = part.get().getFileName().toString();
            name = name.substring(1, name.length() - ".part".length());
            String archive = name;
            long size = Files.size(backups.resolve(archive));
            long cutBytes = (long) (size * plan.cutAt);
            boolean reached = await("the partial upload of " + archive + " reaching " + cutBytes + " bytes", STEP_LIMIT,
                    () -> partSize(part.get()) >= cutBytes || !Files.exists(part.get()));
            long onServer = partSize(part.get());
            standby.cut();
            long cutAt = System.nanoTime();
            if (!reached || onServer < 0) {
                notes.add("the upload was not seen in flight at the planned point (" + cutBytes + " bytes); the server went"
                        + " away at " + (onServer < 0 ? "its end" : onServer + " bytes"));
            }
            note("the SSH server went away with " + onServer + " of " + size + " bytes of " + archive + " on it");

            // its return: after the planned failure, plus the planned delay
            int after = plan.afterFailure();
            if (!await("the failure of attempt " + after + " to send " + archive, STEP_LIMIT, () -> failedAttempts() >= after)) {
                return;
            }
            if (plan.beyond() && !await("the failed transfer in last-transfer.json", STEP_LIMIT,
                    () -> lastTransfer().map(t -> !t.ok() && archive.equals(t.name())).orElse(false))) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(plan.returnDelayMs()));
            int failedBefore = failedAttempts();
            standby.restore();
            long back = System.nanoTime();
            Instant backAt = Instant.now();
            note("the SSH server is back after " + ms(back - cutAt) + " ms, " + failedBefore + " attempt(s) failed");

            boolean beyond = plan.beyond();
            if (!beyond) {
                Optional<LastTransfer> done = awaitTransfer(archive, false);
                if (done.isEmpty()) {
                    return;
                }
                LastTransfer t = done.get();
                int startedBefore = attemptsStartedBefore(backAt);
                if (!t.ok() && startedBefore >= ATTEMPTS) {
                    // this machine was too slow for the plan: every attempt had begun when the server came back
                    note("the SSH server came back later than planned: all " + ATTEMPTS + " attempts had begun by then;"
                            + " the trial is judged as a cut beyond the attempts");
                    beyond = true;
                } else if (!t.ok()) {
                    violation("the cut the attempts cover ended in a failed transfer of " + archive + " though the SSH"
                            + " server was back before attempt " + (startedBefore + 1) + " of " + ATTEMPTS + " began: "
                            + t.error());
                } else {
                    pairMs = Math.max(0, t.at().toEpochMilli() - backAt.toEpochMilli());
                    if (t.attempts() != failedBefore + 1) {
                        notes.add("the transfer of " + archive + " took " + t.attempts() + " attempt(s); "
                                + failedBefore + " had failed when the server came back");
                    }
                }
                if (!beyond) {
                    settle(archive, false, t.ok(), null);
                    return;
                }
            }
            LastTransfer failed = lastTransfer().orElseThrow();
            if (failed.attempts() != ATTEMPTS) {
                violation("the failed transfer of " + archive + " records " + failed.attempts() + " attempt(s), not "
                        + ATTEMPTS);
            }
            checkStatusShowsFailed(archive);
            // the operator asks for the next transfer now (the schedule's next run is a day away)
            if (!askTransferNow()) {
                settle(archive, true, false, null);
                return;
            }
            Optional<LastTransfer> next = awaitTransfer(archive, true);
            next.ifPresent(t -> {
                if (t.ok()) {
                    pairMs = Math.max(0, t.at().toEpochMilli() - backAt.toEpochMilli());
                } else {
                    violation("the next transfer after the SSH server returned failed: " + t.error());
                }
            });
            settle(archive, true, false, next.filter(LastTransfer::ok).map(LastTransfer::name).orElse(null));
        }

        private void setUp() throws Exception {
            smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            standby = UploadStandby.start(BYTES_PER_SECOND);
            Files.createDirectories(pair);
            Files.createDirectories(incoming);
            standby.trustIn(pair.resolve("known_hosts"));
            Path script = dir.resolve("standby/import.sh");
            Files.writeString(script, importScript(importLog));
            Path site = Files.createDirectories(pair.resolve("site/rules"));
            Files.writeString(site.resolve("transfer-now.drl"), SITE_RULES);
            Path routes = Files.createDirectories(pair.resolve("site/routes"));
            Files.writeString(routes.resolve("transfer-now.camel.yaml"), SITE_ROUTES);
            // a daily run whose last time fell due before the node starts: it is sent once, at start
            Instant now = Instant.now();
            String startDate = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(7).format(DateTimeFormatter.ofPattern("dd.MM.yyyy"));
            String startTime = now.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm"));
            String active = """
                    mail: {host: 127.0.0.1, port: %d, from: tandem@example.com, to: [ops@example.com]}
                    extensions: {rules: [site/rules], routes: [site/routes]}
                    redundancy:
                      role: active
                      license-key: XXXXX-YYYYY-ZZZZZ-11111
                      version: "8.4.2"
                      backup: {command: "head -c %d /dev/urandom > {file}", folder: backups, keep: 3}
                      schedule: {unit: days, every: 1, start-date: %s, start-time: "%s", time-zone: UTC}
                      transfer: {attempts: %d, retry-wait: %dms, mails: true, error-to: %s}
                      standby:
                        address: 127.0.0.1
                        ssh-port: %d
                        password: %s
                        known-hosts: known_hosts
                        folder: %s
                        import-command: "sh %s {file}"
                    """.formatted(smtp.getSmtp().getPort(), MIB * 1024 * 1024, startDate, startTime, ATTEMPTS,
                    RETRY_WAIT.toMillis(), ERROR_TO, standby.port(), UploadStandby.PASSWORD, incoming, script);
            String standbyNode = """
                    redundancy:
                      role: standby
                      license-key: DDDDD-FFFFF-TTTTT-22222
                      active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                      version: "8.4.2"
                      import: {command: "true {file}", folder: incoming}
                      switchover: {active-address: 127.0.0.1}
                    """;
            Path home = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
            cluster = new LocalCluster(home, pair, PROFILE, "", "", null, null, "  mode: periodic\n" + active,
                    "  mode: periodic\n" + standbyNode);
            node = cluster.node("node1");
        }

        // ---------------------------------------------------------------------------------------------
        // the outcome

        /**
         * The end of the trial: the imports judged, the mails counted.
         *
         * @param archive the backup that was cut
         * @param beyond whether its transfer failed for good (the cut beyond the attempts)
         * @param cutImported whether that backup should have been imported once (the cut the attempts cover)
         * @param next the backup of the next transfer, which should have been imported once, or null
         */
        private void settle(String archive, boolean beyond, boolean cutImported, String next) throws IOException {
            if (beyond) {
                if (!smtp.waitForIncomingEmail(STEP_LIMIT.toMillis(), 1)) {
                    violation("no error mail reached " + ERROR_TO + " within " + STEP_LIMIT.toSeconds()
                            + " s of the failed transfer");
                }
            }
            scan();
            List<String[]> imports = imports();
            long ofCut = imports.stream().filter(i -> i[2].equals(archive) && i[1].equals("ok")).count();
            if (!beyond && cutImported && ofCut != 1) {
                violation("the cut the attempts cover ended in " + ofCut + " import(s) of " + archive + ", not exactly one");
            }
            if (beyond && ofCut != 0) {
                violation("the backup " + archive + ", whose transfer failed for good, was imported " + ofCut + " time(s)");
            }
            if (next != null) {
                long ofNext = imports.stream().filter(i -> i[2].equals(next) && i[1].equals("ok")).count();
                if (ofNext != 1) {
                    violation("the next transfer after the server's return ended in " + ofNext + " import(s) of " + next
                            + ", not exactly one");
                }
            }
            int mails = mailsTo(ERROR_TO);
            int expected = beyond ? 1 : 0;
            if (mails != expected) {
                violation(mails + " error mail(s) reached " + ERROR_TO + ", not " + expected + " ("
                        + (beyond ? "one for the failed transfer" : "the transfer succeeded") + ")");
            }
            if (smtp.getReceivedMessages().length != mails) {
                notes.add((smtp.getReceivedMessages().length - mails) + " other mail(s) were sent");
            }
            try (var files = Files.list(incoming)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".")).sorted().toList()) {
                    String n = f.getFileName().toString();
                    if (next != null) {
                        // a successful upload removes what cut uploads left (Transfer.removeLeftovers)
                        violation("the temporary file " + n + " (" + partSize(f) + " bytes) is still in the standby's"
                                + " upload folder after the next transfer succeeded");
                    } else {
                        notes.add("the temporary file " + n + " (" + partSize(f) + " bytes) is left in the standby's"
                                + " upload folder");
                    }
                }
            }
            notes.add("SSH sessions opened on the standby: " + standby.sessions() + "; imports: " + imports.size());
            if (unanswered > 0) {
                notes.add("the node's status did not answer " + unanswered + " time(s) within 500 ms");
            }
            if ((!beyond && cutImported) || next != null) {
                // what the operator sees: the last transfer succeeded
                String want = beyond ? next : archive;
                await("the node's status showing the successful transfer of " + want, Duration.ofSeconds(5),
                        () -> cluster.status(node).map(st -> st.path("redundancy").path("lastTransfer"))
                                .map(t -> t.path("ok").asBoolean() && want.equals(t.path("name").asText())).orElse(false));
            }
            synchronized (this) {
                readLog();
                if (errors > 0) {
                    notes.add("the node logged " + errors + " ERROR line(s), the first: " + firstError);
                }
            }
            notes.add(String.format(java.util.Locale.ROOT, "the trial took %.1f s (the node served after %.1f s)",
                    (System.nanoTime() - t0) / 1e9, servedAt < 0 ? -1.0 : (servedAt - t0) / 1e9));
        }

        /** The transfer of the cut backup once it ended, or ({@code next}) the first transfer of another backup. */
        private Optional<LastTransfer> awaitTransfer(String cutArchive, boolean next) {
            BooleanSupplier ended = () -> lastTransfer().map(t -> next ? !cutArchive.equals(t.name())
                    : cutArchive.equals(t.name())).orElse(false);
            if (!await("the end of the transfer after the SSH server's return", STEP_LIMIT, ended)) {
                return Optional.empty();
            }
            return lastTransfer();
        }

        private boolean askTransferNow() {
            long end = System.nanoTime() + STEP_LIMIT.toNanos();
            String said = "";
            for (int i = 0; i < 100 && System.nanoTime() < end && !died; i++) {
                try {
                    JsonNode a = cluster.command(node, "transfer-now");
                    if (a.path("code").asInt() == 200) {
                        note("transfer-now accepted: " + a.path("reason").asText(a.toString()));
                        return true;
                    }
                    said = a.toString();
                } catch (IOException e) {
                    said = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                LockSupport.parkNanos(200_000_000L);
            }
            violation("the node did not accept a transfer after the failed one within " + STEP_LIMIT.toSeconds() + " s: "
                    + said);
            return false;
        }

        private void checkStatusShowsFailed(String archive) {
            Optional<JsonNode> s = cluster.status(node);
            if (s.isEmpty()) {
                // the API may be slow on a loaded machine: ask once more
                s = cluster.status(node);
            }
            if (s.isEmpty()) {
                notes.add("the node's status did not answer after the failed transfer");
                return;
            }
            JsonNode t = s.get().path("redundancy").path("lastTransfer");
            if (t.path("ok").asBoolean(true) || !archive.equals(t.path("name").asText())) {
                violation("the node's status does not show the failed transfer of " + archive + ": lastTransfer " + t);
            }
        }

        // ---------------------------------------------------------------------------------------------
        // watchers

        /** The standby's upload folder: nothing under a final name that is not the whole, verified archive. */
        private void scan() {
            try (var files = Files.list(incoming)) {
                for (Path f : files.toList()) {
                    String n = f.getFileName().toString();
                    if (n.startsWith(".")) {
                        continue;
                    }
                    try {
                        if (n.endsWith(".manifest.json")) {
                            Path local = backups.resolve(n);
                            if (Files.exists(local) && Files.mismatch(local, f) != -1L) {
                                violation("the standby's upload folder holds the manifest " + n + " under its final name,"
                                        + " but it differs from the active's (" + Files.size(f) + " bytes)");
                            }
                        } else if (n.endsWith(".backup")) {
                            checkArchive(f, n);
                        }
                    } catch (NoSuchFileException e) {
                        // replaced meanwhile: the next scan sees the new one
                    }
                }
            } catch (NoSuchFileException e) {
                // no upload yet
            } catch (IOException | RuntimeException e) {
                notes.add("the scan of the standby's upload folder failed: " + e);
            }
        }

        private void checkArchive(Path f, String n) throws IOException {
            String key = n + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis();
            if (hashed.containsKey(key)) {
                return;
            }
            long size = Files.size(f);
            String sha = sha256(f);
            hashed.put(key, sha);
            Optional<JsonNode> m = manifest(n);
            if (m.isEmpty()) {
                violation("the standby's upload folder holds " + n + ", of which the active has no manifest");
                return;
            }
            long want = m.get().path("size").asLong(-1);
            String wantSha = m.get().path("sha256").asText();
            if (size != want || !sha.equals(wantSha)) {
                violation("the standby's upload folder holds " + n + " under its final name with " + size + " bytes and"
                        + " SHA-256 " + sha + ", but its manifest says " + want + " bytes and SHA-256 " + wantSha
                        + (size < want ? " (a partial upload)" : ""));
            }
        }

        /** The node: alive, and ALONE from the moment it first serves. */
        private void watchNode() {
            try {
                Process p = node.process().orElse(null);
                if (p == null) {
                    if (!died) {
                        died = true;
                        violation("the node's process ended (" + exitOf() + ")");
                    }
                    return;
                }
                Optional<JsonNode> s = cluster.status(node);
                if (s.isEmpty()) {
                    if (answered) {
                        unanswered++;
                    }
                    return;
                }
                answered = true;
                String state = s.get().path("node").path("state").asText();
                if (state.equals("ALONE")) {
                    if (!served) {
                        servedAt = System.nanoTime();
                    }
                    served = true;
                } else if (served && !state.equals(lastState)) {
                    violation("the active left ALONE for " + state + " (" + s.get().path("node").path("reason").asText() + ")");
                }
                lastState = state;
                readLog();
            } catch (RuntimeException e) {
                notes.add("the node's watcher failed: " + e);
            }
        }

        private String exitOf() {
            try {
                return "its log ends: " + tail(5);
            } catch (RuntimeException e) {
                return e.toString();
            }
        }

        /** The failed attempts the node logged so far: "backup transfer attempt N of M failed ...". */
        private synchronized int failedAttempts() {
            readLog();
            return failures.size();
        }

        private synchronized void readLog() {
            Path log = pair.resolve("node1.out");
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                if (f.length() <= logOffset) {
                    return;
                }
                f.seek(logOffset);
                byte[] b = new byte[(int) Math.min(f.length() - logOffset, 4 << 20)];
                f.readFully(b);
                int lastNl = -1;
                for (int i = b.length - 1; i >= 0; i--) {
                    if (b[i] == '\n') {
                        lastNl = i;
                        break;
                    }
                }
                if (lastNl < 0) {
                    return;
                }
                logOffset += lastNl + 1;
                for (String line : new String(b, 0, lastNl + 1, StandardCharsets.UTF_8).split("\n")) {
                    if (line.contains(" ERROR ") && errors++ == 0) {
                        firstError = line.length() > 400 ? line.substring(0, 400) : line;
                    }
                    Matcher m = ATTEMPT_FAILED.matcher(line);
                    if (m.find()) {
                        failures.add(logTime(line));
                    }
                    logTail.append(line).append('\n');
                    if (logTail.length() > 20_000) {
                        logTail.delete(0, logTail.length() - 10_000);
                    }
                }
            } catch (java.io.FileNotFoundException e) {
                // not started yet
            } catch (IOException e) {
                notes.add("cannot read the node's log: " + e);
            }
        }

        /**
         * How many attempts had begun at {@code t}: the first, and each one after a failure the retry wait
         * earlier (the times of the node's log lines).
         */
        private synchronized int attemptsStartedBefore(Instant t) {
            readLog();
            int n = 1;
            for (Instant failedAt : failures) {
                if (failedAt != null && failedAt.plus(RETRY_WAIT).isBefore(t)) {
                    n++;
                }
            }
            return Math.min(n, ATTEMPTS);
        }

        /** The time of a node's log line ({@code 2026-12-07 15:22:08.192 WARN ...}, this machine's zone), or null. */
        private static Instant logTime(String line) {
            try {
                return java.time.LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(java.time.ZoneId.systemDefault())
                        .toInstant();
            } catch (RuntimeException e) {
                return null;
            }
        }

        private synchronized String tail(int lines) {
            readLog();
            String[] all = logTail.toString().split("\n");
            return String.join(" | ", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
        }

        // ---------------------------------------------------------------------------------------------

        private Optional<Path> awaitPart() throws IOException {
            Path[] found = new Path[1];
            boolean seen = await("the upload's partial file in the standby's folder", START_LIMIT, () -> {
                try (var files = Files.list(incoming)) {
                    files.filter(f -> f.getFileName().toString().startsWith(".")
                            && f.getFileName().toString().endsWith(".backup.part")).findFirst().ifPresent(f -> found[0] = f);
                } catch (IOException e) {
                    return false;
                }
                return found[0] != null || died;
            });
            return seen && found[0] != null ? Optional.of(found[0]) : Optional.empty();
        }

        /** The standby's import records: {@code millis verdict name size sha256 manifest-size manifest-sha256}. */
        private List<String[]> imports() throws IOException {
            List<String[]> out = new ArrayList<>();
            if (!Files.exists(importLog)) {
                return out;
            }
            for (String line : Files.readAllLines(importLog)) {
                String[] f = line.strip().split(" ", -1);
                if (f.length < 7) {
                    violation("the import command left a record that cannot be read: " + line);
                    continue;
                }
                String name = f[2];
                Optional<JsonNode> m = manifest(name);
                boolean matchesActive = m.map(j -> j.path("sha256").asText().equals(f[4])
                        && j.path("size").asLong(-1) == Long.parseLong(f[3].isEmpty() ? "-1" : f[3])).orElse(false);
                if (!f[1].equals("ok") || name.startsWith(".") || !matchesActive) {
                    violation("the import command ran on " + name + " (" + f[3] + " bytes, SHA-256 " + f[4] + "), which"
                            + (name.startsWith(".") ? " is a temporary name" : !f[1].equals("ok")
                                    ? " does not match the manifest beside it (" + f[5] + " bytes, SHA-256 " + f[6] + ")"
                                    : " is not the archive the active created"));
                }
                out.add(f);
            }
            return out;
        }

        private Optional<JsonNode> manifest(String archive) {
            try {
                return Optional.of(JSON.readTree(Files.readAllBytes(backups.resolve(archive + ".manifest.json"))));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        private Optional<LastTransfer> lastTransfer() {
            return LastTransfer.read(stateDir);
        }

        private int mailsTo(String address) {
            int n = 0;
            for (MimeMessage m : smtp.getReceivedMessages()) {
                try {
                    Address[] to = m.getAllRecipients();
                    if (to != null && java.util.Arrays.stream(to).anyMatch(a -> a.toString().contains(address))) {
                        n++;
                    }
                } catch (MessagingException e) {
                    notes.add("a mail cannot be read: " + e);
                }
            }
            return n;
        }

        private static long partSize(Path part) {
            try {
                return Files.size(part);
            } catch (IOException e) {
                return -1;
            }
        }

        /** Waits for {@code done}, bounded; a violation naming {@code what} when it does not come. */
        private boolean await(String what, Duration limit, BooleanSupplier done) {
            long end = System.nanoTime() + limit.toNanos();
            for (int i = 0; i < 100_000; i++) {
                if (done.getAsBoolean()) {
                    return true;
                }
                if (System.nanoTime() > end) {
                    break;
                }
                LockSupport.parkNanos(20_000_000L);
            }
            violation(what + " was not seen within " + limit.toSeconds() + " s; the node is " + cluster.state(node) + ", its log: "
                    + tail(6));
            return false;
        }

        private void violation(String sentence) {
            violations.add(String.format(java.util.Locale.ROOT, "at %.1f s: %s", (System.nanoTime() - t0) / 1e9, sentence));
        }

        private void note(String sentence) {
            notes.add(String.format(java.util.Locale.ROOT, "at %.1f s: %s", (System.nanoTime() - t0) / 1e9, sentence));
        }

        private static long ms(long nanos) {
            return nanos / 1_000_000;
        }

        @Override
        public void close() {
            if (watchers != null) {
                watchers.shutdownNow();
                try {
                    watchers.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (node != null && !died && node.process().isEmpty() && served) {
                violation("the node's process ended (" + exitOf() + ")");
            }
            if (cluster != null) {
                cluster.close();
            }
            try {
                if (standby != null) {
                    standby.close();
                }
            } catch (IOException e) {
                notes.add("closing the standby's SSH server: " + e);
            }
            if (smtp != null) {
                smtp.stop();
            }
        }
    }

    /** The standby's import command: records what it got and whether it matches the manifest beside it. */
    static String importScript(Path log) {
        return """
                #!/bin/sh
                # the standby's import for the upload faults: records the file it got, its size and SHA-256 and
                # those of the manifest beside it, and succeeds only when they match
                f="$1"
                m="$f.manifest.json"
                size=$(wc -c < "$f" 2>/dev/null | tr -d ' ')
                sha=$(sha256sum "$f" 2>/dev/null | cut -c1-64)
                msize=$(sed -n 's/^ *"size" *: *\\([0-9]*\\).*/\\1/p' "$m" 2>/dev/null)
                msha=$(sed -n 's/^ *"sha256" *: *"\\([0-9a-f]*\\)".*/\\1/p' "$m" 2>/dev/null)
                if [ -n "$sha" ] && [ "$sha" = "$msha" ] && [ "$size" = "$msize" ]; then verdict=ok; else verdict=BAD; fi
                echo "$(date +%%s%%3N) $verdict $(basename "$f") ${size:--1} ${sha:--} ${msize:--1} ${msha:--}" >> '%s'
                [ "$verdict" = ok ] || { echo "refused: $f does not match its manifest" >&2; exit 3; }
                echo "imported $(basename "$f")"
                """.formatted(log.toString().replace("'", "'\\''"));
    }

    /** The site's command {@code transfer-now}: a backup transfer at the operator's word, on the active that serves. */
    static final String SITE_RULES = """
            package tandem.rules;

            // the fault suite's site rules: a backup transfer now, at the operator's word (the profile's
            // transfers run on the schedule only, whose next run is a day away in a trial).
            // Consumes: OperatorCommand, RedundancySettings, LocalNode, Pending, Decision.
            // Produces: Decisions answering transfer-now, with the action transfer-backup.

            import tandem.facts.*;

            rule "Site: the operator asks for a backup transfer now"
            when
                OperatorCommand(name == "transfer-now", $o : origin)
                RedundancySettings(!standby, $n : attempts)
                LocalNode(state == NodeState.ALONE)
                not Pending(action == "transfer-backup")
                not Decision(command == "transfer-now")
            then
                insert(Decision.by(drools).accepts("transfer-now").act("transfer-backup")
                        .because("a transfer now asked for (" + $o + "): creating a full backup and sending it to the"
                                + " standby, up to " + $n + " attempt(s)"));
            end

            rule "Site: a transfer now is refused unless the active serves and no transfer runs"
            when
                OperatorCommand(name == "transfer-now")
                not (RedundancySettings(!standby) and LocalNode(state == NodeState.ALONE) and not Pending(action == "transfer-backup"))
                not Decision(command == "transfer-now")
            then
                insert(Decision.by(drools).refuses("transfer-now")
                        .because("transfer-now applies to the active that serves (ALONE) while no transfer runs"));
            end
            """;

    static final String SITE_ROUTES = """
            - route:
                id: command-transfer-now
                description: "Operator command (the fault suite's site): a backup transfer now"
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:command-transfer-now
                  steps:
                    - bean:
                        ref: commands
                        method: "submit('transfer-now', ${header.origin}, ${header.args})"
            """;

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0;) {
                md.update(b, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
