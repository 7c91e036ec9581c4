package tandem.checks;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tandem.facts.ProbeResult;

/**
 * {@code proc}: at least {@code min-count} processes with a given name run. A process has the name
 * when its executable's file name is it ({@code /usr/sbin/management-server} is
 * {@code management-server}), or its first argument's file name is it, which catches programs run by
 * an interpreter ({@code sh /opt/app/log-server}, {@code python3 collector.py}). On Windows the
 * comparison ignores case and a trailing {@code .exe}. Bounded by one pass over the process table.
 */
public final class ProcCheck implements Check {

    private final String resource;
    private final String target;
    private final int minCount;
    private final Supplier<Stream<ProcessHandle>> processes;

    public ProcCheck(String resource, String target, int minCount) {
        this(resource, target, minCount, ProcessHandle::allProcesses);
    }

    ProcCheck(String resource, String target, int minCount, Supplier<Stream<ProcessHandle>> processes) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.target = normalise(Objects.requireNonNull(target, "target"));
        this.minCount = minCount;
        this.processes = processes;
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public ProbeResult probe(long now) {
        long count;
        try (Stream<ProcessHandle> all = processes.get()) {
            count = all.filter(this::matches).count();
        }
        String detail;
        if (count == 0) {
            detail = "not running";
        } else if (count < minCount) {
            detail = count + " running, " + minCount + " required";
        } else {
            detail = count + " running";
        }
        return new ProbeResult(resource, count >= minCount, detail, now);
    }

    private boolean matches(ProcessHandle p) {
        ProcessHandle.Info info = p.info();
        if (info.command().map(ProcCheck::normalise).filter(target::equals).isPresent()) {
            return true;
        }
        return info.arguments().filter(a -> a.length > 0).map(a -> normalise(a[0])).filter(target::equals).isPresent();
    }

    /** The file name of a path, lower case without {@code .exe} on Windows. */
    static String normalise(String path) {
        int slash = Math.max(path.lastIndexOf('/'), tandem.os.Os.windows() ? path.lastIndexOf('\\') : -1);
        String name = path.substring(slash + 1);
        if (tandem.os.Os.windows()) {
            name = name.toLowerCase(Locale.ROOT);
            if (name.endsWith(".exe")) {
                name = name.substring(0, name.length() - 4);
            }
        }
        return name;
    }
}
