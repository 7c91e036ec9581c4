package tandem.link;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds which process listens on a TCP port, for the port-in-use message (MS-11). Linux only: it
 * runs {@code ss -ltnpH 'sport = :PORT'}; {@code ss} shows the process only for the caller's own
 * processes unless it runs as root.
 */
final class PortHolder {
    private static final Pattern USER = Pattern.compile("users:\\(\\(\"([^\"]*)\",pid=(\\d+)");
    private static final long SS_TIMEOUT_SECONDS = 3;

    private PortHolder() {
    }

    /**
     * The parenthesised remark for the message: {@code held by java pid 1234}, or why no holder is
     * named; empty when not on Linux.
     */
    static Optional<String> describe(int port) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        String output;
        try {
            Process p = new ProcessBuilder("ss", "-ltnpH", "sport = :" + port).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // wait before reading: a hung ss must not hang start(); its few lines fit the pipe buffer
            if (!p.waitFor(SS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("ss did not answer, holder unknown");
            }
            byte[] bytes;
            try (InputStream in = p.getInputStream()) {
                bytes = in.readAllBytes();
            }
            if (p.exitValue() != 0) {
                return Optional.of("ss failed, holder unknown");
            }
            output = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.of("ss is not available to name the holder");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("holder unknown");
        }
        return Optional.of(fromSs(output));
    }

    /** The remark for one {@code ss -ltnpH} output. */
    static String fromSs(String output) {
        if (output.isBlank()) {
            return "ss shows no listener, holder unknown";
        }
        Matcher m = USER.matcher(output);
        if (m.find()) {
            return "held by " + m.group(1) + " pid " + m.group(2);
        }
        return "ss does not show the holder; it may belong to another user";
    }
}
