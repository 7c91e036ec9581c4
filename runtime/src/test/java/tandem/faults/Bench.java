package tandem.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code bench/faults}' options and its plan: which faults, on which profiles, in which labs, how many
 * trials, the soak; prints a line per trial while it runs and the table at the end.
 */
final class Bench {
    static final String USAGE = """
            usage: bench/faults [--quick] [--fault NAME[,NAME...]] [--profile ms-failover|sbs] [--trials N]
                                [--seed S] [--soak MINUTES] [--results FILE] [--work DIR] [--report] [--list]
              (no option)   every fault, 3 trials each on every profile (ms-failover, sbs, redundancy), then a
                            30-minute soak of random faults
              --quick       1 trial of every fault (netem for 10 s), no soak; results in the work folder
              --fault       only these faults (--list names them); no soak unless --soak is given
              --trials N    trials per fault and profile
              --seed S      the first trial's seed (a recorded trial is repeated with --fault NAME --seed S)
              --results F   the results file trials are appended to (default bench/results/faults.jsonl)
              --report      print the table of the results file and exit
            exit code: 0 when this run's trials saw no invariant violation, 1 otherwise, 2 for a usage error""";

    private Bench() {
    }

    static int main(String[] args, PrintStream out, PrintStream err) throws Exception {
        List<String> faults = null;
        List<String> profiles = Fault.PROFILES;
        int trials = -1;
        long seed = new Random().nextLong() & 0xffffffffL;
        boolean quick = false;
        boolean report = false;
        double soak = -1;
        Path results = null;
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            try {
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--report" -> report = true;
                    case "--list" -> {
                        Fault.all().forEach(f -> out.println(f.name() + "  " + String.join(",", f.profiles()) + "  lab: "
                                + f.lab()));
                        return 0;
                    }
                    case "--fault" -> {
                        faults = List.of(need(a, v).split(","));
                        i++;
                        for (String f : faults) {
                            if (Fault.named(f).isEmpty()) {
                                err.println("bench/faults: --fault: no fault named " + f + "; --list names them");
                                return 2;
                            }
                        }
                    }
                    case "--profile" -> {
                        profiles = List.of(need(a, v).split(","));
                        i++;
                        for (String p : profiles) {
                            if (!Fault.PROFILES.contains(p)) {
                                err.println("bench/faults: --profile: expected ms-failover, sbs or redundancy, got " + p);
                                return 2;
                            }
                        }
                    }
                    case "--trials" -> {
                        trials = Integer.parseInt(need(a, v));
                        i++;
                        if (trials < 1 || trials > 10_000) {
                            err.println("bench/faults: --trials: expected 1..10000, got " + trials);
                            return 2;
                        }
                    }
                    case "--seed" -> {
                        seed = Long.parseLong(need(a, v));
                        i++;
                    }
                    case "--soak" -> {
                        soak = Double.parseDouble(need(a, v));
                        i++;
                    }
                    case "--results" -> {
                        results = Path.of(need(a, v));
                        i++;
                    }
                    case "--work" -> {
                        work = Path.of(need(a, v));
                        i++;
                    }
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        err.println("bench/faults: unknown option " + a + "\n" + USAGE);
                        return 2;
                    }
                }
            } catch (IllegalArgumentException e) {
                err.println("bench/faults: " + a + ": " + e.getMessage());
                return 2;
            }
        }
        if (results == null) {
            results = quick && work != null ? work.resolve("faults.jsonl")
                    : Faults.home().resolve("bench/results/faults.jsonl");
        }
        if (report) {
            out.print(Faults.table(Trial.read(results)));
            return 0;
        }
        String why = FaultLab.unusableBecause();
        if (why != null) {
            err.println("bench/faults: cannot run here: " + why);
            return 2;
        }
        if (trials < 0) {
            trials = quick || faults != null ? 1 : 3;
        }
        if (soak < 0) {
            soak = quick || faults != null ? 0 : 30;
        }
        if (quick) {
            Fault.netemFor = Duration.ofSeconds(10);
        }
        if (work == null) {
            work = Files.createTempDirectory("tandem-faults-");
        }
        List<Fault> chosen = new ArrayList<>();
        for (Fault f : Fault.all()) {
            if (faults == null || faults.contains(f.name())) {
                chosen.add(f);
            }
        }
        err.println("bench/faults: seed " + seed + ", work folder " + work + ", results " + results);
        List<Trial> mine = new ArrayList<>();
        long index = 0;
        int octet = 216;
        for (String profile : profiles) {
            Map<String, List<Fault>> byLab = new LinkedHashMap<>();
            for (Fault f : chosen) {
                if (f.profiles().contains(profile)) {
                    byLab.computeIfAbsent(f.lab(), k -> new ArrayList<>()).add(f);
                }
            }
            if (soak > 0 && Fault.BOTH.contains(profile)) {
                byLab.computeIfAbsent("witness", k -> new ArrayList<>());
            }
            for (var e : byLab.entrySet()) {
                String lab = e.getKey();
                if (lab.equals("clock") && !Pair.clockUsable()) {
                    err.println("bench/faults: " + profile + ": clock faults skipped: no " + Pair.LIBFAKETIME
                            + " (apt-get install faketime)");
                    continue;
                }
                Path dir = Files.createDirectories(work.resolve(profile + "-" + lab));
                if (lab.equals(Fault.STANDALONE)) {
                    for (Fault f : e.getValue()) {
                        for (int t = 0; t < trials; t++) {
                            long s = seed + index++ * 7919;
                            long t0 = System.nanoTime();
                            Trial trial = UploadCutFault.trial(Files.createDirectories(dir.resolve(f.name() + "-" + s)), s);
                            mine.add(record(trial, results, err, s, t0));
                        }
                    }
                    continue;
                }
                try (Faults.Run run = new Faults.Run(profile, lab, seed, dir,
                        octet++)) {
                    err.println("bench/faults: " + profile + ", " + lab + " lab: starting the pair");
                    run.up();
                    for (Fault f : e.getValue()) {
                        for (int t = 0; t < trials; t++) {
                            mine.add(one(run, f, seed + index++ * 7919, results, err, false));
                        }
                    }
                    if (lab.equals("witness") && soak > 0) {
                        List<Fault> pool = Fault.all().stream()
                                .filter(f -> f.lab().equals("witness") && f.profiles().contains(profile)).toList();
                        Random pick = new Random(seed);
                        long end = System.nanoTime() + (long) (soak / profiles.size() * 60e9);
                        while (System.nanoTime() < end) {
                            mine.add(one(run, pool.get(pick.nextInt(pool.size())), seed + index++ * 7919, results, err,
                                    true));
                        }
                    }
                }
            }
        }
        out.println("Fault trials of this run (seed " + seed + "; outage and pair in ms):");
        out.print(Faults.table(mine));
        if (!quick) {
            out.println();
            out.println("All recorded trials (" + results + "):");
            out.print(Faults.table(Trial.read(results)));
        }
        long violations = mine.stream().mapToLong(t -> t.violations().size()).sum();
        if (violations > 0) {
            out.println();
            out.println("violations:");
            for (Trial t : mine) {
                for (String v : t.violations()) {
                    out.println("  " + t.profile() + " " + t.fault() + " (seed " + t.seed() + "): " + v);
                }
            }
        }
        return violations == 0 ? 0 : 1;
    }

    private static Trial one(Faults.Run run, Fault f, long seed, Path results, PrintStream err, boolean soak)
            throws IOException {
        run.random.setSeed(seed);
        long t0 = System.nanoTime();
        Trial t = run.trial(f, seed);
        if (soak) {
            List<String> n = new ArrayList<>(t.notes());
            n.add("soak");
            t = new Trial(t.fault(), t.profile(), t.seed(), t.at(), t.outageMs(), t.pairMs(), t.spurious(), t.violations(), n);
        }
        return record(t, results, err, seed, t0);
    }

    private static Trial record(Trial t, Path results, PrintStream err, long seed, long t0) throws IOException {
        t.append(results);
        err.printf("%s %s %s (seed %d): outage %d ms, pair %d ms, %d violation(s), %d spurious, %.1f s%s%n",
                Instant.now(), t.profile(), t.fault(), seed, t.outageMs(), t.pairMs(), t.violations().size(),
                t.spurious(), (System.nanoTime() - t0) / 1e9,
                t.violations().isEmpty() ? "" : "\n    " + String.join("\n    ", t.violations()));
        if (!t.notes().isEmpty()) {
            err.println("    notes: " + String.join("; ", t.notes()));
        }
        return t;
    }

    private static String need(String option, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException("needs a value");
        }
        return value;
    }
}
