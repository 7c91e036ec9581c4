package tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI part of the fault-injection suite: {@code bench/faults --quick}, one trial of every fault on
 * every profile (the pair profiles in network namespaces, as root; the redundancy profile's upload cut on
 * loopback), with a fixed seed, must see no invariant violation.
 * The faults that found defects stay in it with the seed they were found with (see bench/README.md,
 * "bench/faults"). Prints the table; a violation fails the test with the violations listed. Skipped
 * where namespaces cannot be made (not root, not Linux).
 */
class FaultSuiteTest {
    /** The seed of the CI run: the same choices (which node, which file, which step) every time. */
    static final long SEED = 20261207L;

    @TempDir
    Path dir;

    @Test
    void theQuickSuiteSeesNoViolation() throws Exception {
        String why = FaultLab.unusableBecause();
        assumeTrue(why == null, why);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = Bench.main(new String[] {"--quick", "--seed", String.valueOf(SEED), "--work", dir.toString()}, o,
                    System.err);
        }
        String table = out.toString(StandardCharsets.UTF_8);
        System.out.println(table);
        List<Trial> trials = Trial.read(dir.resolve("faults.jsonl"));
        assertThat(trials).as("trials run").isNotEmpty();
        assertThat(trials.stream().map(Trial::fault).distinct().toList())
                .as("every fault of the pair profiles ran")
                .containsAll(Fault.all().stream().filter(f -> !f.lab().equals("clock") || Pair.clockUsable())
                        .map(Fault::name).toList());
        assertThat(trials.stream().flatMap(t -> t.violations().stream()
                .map(v -> t.profile() + " " + t.fault() + " (seed " + t.seed() + "): " + v)).toList())
                .as("invariant violations (node logs in %s)", dir).isEmpty();
        assertThat(rc).isZero();
    }
}
