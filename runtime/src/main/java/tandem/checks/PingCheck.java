package tandem.checks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import tandem.os.Commands;
import tandem.config.Durations;
import tandem.facts.ProbeResult;

/**
 * {@code ping} (and the witness without a port): the address answers an ICMP echo within the timeout
 * (the check interval, at most 2 s).
 *
 * <p>{@link InetAddress#isReachable} sends a real ICMP echo only when it may open a raw socket (root
 * on Linux; always on Windows); otherwise it silently tries TCP port 7 instead, which most hosts do
 * not serve. So without that privilege the check runs the system's {@code ping -c 1 -W SECONDS ADDR}
 * (setuid or file capabilities make it work for any user), bounded by the timeout plus one second.
 */
public final class PingCheck implements Check {

    private final String resource;
    private final String address;
    private final Duration timeout;
    private final Commands commands;
    private final boolean icmpDirect;

    /**
     * @param icmpDirect use {@link InetAddress#isReachable} (the JVM may send ICMP itself); otherwise run
     *                   {@code ping} through {@code commands}
     */
    public PingCheck(String resource, String address, Duration timeout, Commands commands, boolean icmpDirect) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.address = Objects.requireNonNull(address, "address");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.icmpDirect = icmpDirect;
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public ProbeResult probe(long now) {
        return icmpDirect ? viaJava(now) : viaCommand(now);
    }

    private ProbeResult viaJava(long now) {
        try {
            boolean answered = InetAddress.getByName(address).isReachable((int) Math.max(1, timeout.toMillis()));
            return new ProbeResult(resource, answered, answered ? address + " answers" : noAnswer(), now);
        } catch (UnknownHostException e) {
            return new ProbeResult(resource, false, address + ": unknown host", now);
        } catch (IOException e) {
            return new ProbeResult(resource, false, address + ": " + e.getMessage(), now);
        }
    }

    private ProbeResult viaCommand(long now) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        Commands.Result r = commands.run(List.of("ping", "-c", "1", "-W", Long.toString(seconds), address),
                Duration.ofSeconds(seconds + 1));
        if (r.ok()) {
            return new ProbeResult(resource, true, address + " answers", now);
        }
        if (r.exitCode() == 1 || r.timedOut()) {
            return new ProbeResult(resource, false, noAnswer(), now); // ping: 1 = sent, no reply
        }
        return new ProbeResult(resource, false, address + ": " + r.firstLine(200), now);
    }

    private String noAnswer() {
        return address + ": no answer within " + Durations.format(timeout);
    }
}
