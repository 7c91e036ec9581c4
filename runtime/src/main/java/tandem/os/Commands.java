package tandem.os;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runs a program and waits for it, bounded: the only way checkers and actions start processes, so
 * that tests can answer with a fake. {@link SystemCommands} is the real one.
 *
 * <p>Contract: {@link #run} never throws for anything the program does. A program that cannot be
 * started at all (not installed, not executable) answers with exit code {@link #NOT_STARTED} and
 * the reason in {@code stderr}, as a shell would; one that outlives {@code timeout} is killed (with
 * the processes it started) and answers with {@link Result#timedOut()} set.
 */
public interface Commands {

    /** The exit code of a program that could not be started, as {@code sh} reports "command not found". */
    int NOT_STARTED = 127;

    /** The exit code reported for a program that was killed after its timeout: it has none of its own. */
    int KILLED = -1;

    /**
     * The exit code reported by {@link #runUntil} when it returned on the program's output while the
     * program was still finishing.
     */
    int RUNNING = -2;

    /**
     * Runs {@code argv} (program and arguments, no shell involved) with its standard input closed,
     * collects its output and returns when it exits or {@code timeout} has passed.
     */
    Result run(List<String> argv, Duration timeout);

    /**
     * Like {@link #run}, but returns as soon as the program's standard output contains a match of
     * {@code answered}, with exit code {@link #RUNNING}, without waiting for the program to exit: what
     * it does after saying its result (e.g. arping's exit, which closes a packet socket and waits
     * ~15 ms for the kernel) is not waited for. The program is left to finish in the background and
     * is still killed at {@code timeout}. A program that exits before printing a match answers as
     * with {@link #run}. The default just runs it (fakes answer at once anyway).
     */
    default Result runUntil(List<String> argv, Duration timeout, Pattern answered) {
        return run(argv, timeout);
    }

    /**
     * What a program did.
     *
     * @param exitCode its exit status; {@link #NOT_STARTED} when it could not be started,
     *                 {@link #KILLED} when it was killed after the timeout, {@link #RUNNING} when
     *                 {@link #runUntil} returned on its output before it exited
     * @param stdout   its standard output (at most the first 64 KiB)
     * @param stderr   its standard error (at most the first 64 KiB), or why it could not be started
     * @param timedOut it ran longer than the timeout and was killed
     */
    record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
        public Result {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        /** Exited by itself with status 0. */
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /**
         * The first non-blank line the program wrote, standard output first, then standard error;
         * trimmed and cut to {@code max} characters; empty when it wrote nothing.
         */
        public String firstLine(int max) {
            String line = firstLineOf(stdout);
            if (line.isEmpty()) {
                line = firstLineOf(stderr);
            }
            return line.length() <= max ? line : line.substring(0, max);
        }

        private static String firstLineOf(String text) {
            for (String line : text.split("\\R")) {
                if (!line.isBlank()) {
                    return line.trim();
                }
            }
            return "";
        }
    }

    /**
     * The argv that runs {@code commandLine} through the platform's shell: {@code sh -c LINE}, or
     * {@code cmd /c LINE} on Windows. Used for the command lines a site writes in its config.
     */
    static List<String> shell(String commandLine) {
        return Os.windows() ? List.of("cmd", "/c", commandLine) : List.of("sh", "-c", commandLine);
    }
}
