package tandem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem demo redundancy} end to end: two real {@code tandem run} processes on loopback, the
 * standby's SSH in process, the demo's mail log; the output tells the story (two transfers, the first
 * with a refused attempt and its retry, the refused and the granted switchover) and mail.log holds one
 * mail for each user after the switchover and nothing else. Takes one to two minutes: the second transfer
 * waits for the next whole minute.
 */
class RedundancyDemoTest {
    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void theWholeStoryRunsAndTheUsersMailsLandInTheMailLog(@TempDir Path dir) throws Exception {
        Path home = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long started = System.nanoTime();

        int rc = RedundancyDemo.run(home, dir.resolve("demo"), false, true, out);

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(text).isZero();
        assertThat(text).contains(
                "the standby's SSH refused the login of root", "the demo's one failed attempt",
                "first backup transfer done: backup-", "2 attempt(s) (the standby's SSH refused the first; retried"
                        + " after transfer.retry-wait 2s)", "SHA-256 verified on the standby, imported there",
                "second backup transfer done: backup-", "1 attempt(s)", "SECOND uptodate",
                "probes [ssh]: on 127.0.0.1 the active's address answers every ping",
                "refused (409): the active is not completely down: heartbeat last heard",
                "ssh answers", "heartbeat and SSH must all stay silent for 5s",
                "killing the active",
                "the active has been completely down for", "then confirm with: tandem command switchover --confirm",
                "granted: switchover (api): the active has been completely down for",
                "(no heartbeat, no SSH answer)", "mailing 2 user(s) to restart their phones",
                "the standby serves: ALONE",
                "to anna@demo.invalid: [Tandem] Please restart your phone",
                "to ben@demo.invalid: [Tandem] Please restart your phone", "done: the standby took over");
        assertThat(text.indexOf("first backup transfer done")).isLessThan(text.indexOf("second backup transfer done"));
        assertThat(text.indexOf("second backup transfer done"))
                .isLessThan(text.indexOf("refused (409): the active is not completely down"));
        assertThat(text.indexOf("refused (409): the active is not completely down"))
                .isLessThan(text.indexOf("killing the active"));
        assertThat(text).as("the retried transfer succeeded: no error report").doesNotContain("failed (demo)");

        String log = Files.readString(dir.resolve("demo/mail.log"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^RCPT TO:<(.*)>$").matcher(log);
        java.util.List<String> to = new java.util.ArrayList<>();
        while (m.find()) {
            to.add(m.group(1));
        }
        assertThat(to).as("the users' mails, and no error report: " + log)
                .containsExactlyInAnyOrder("anna@demo.invalid", "ben@demo.invalid");
        assertThat(log).contains("Subject: [Tandem] Please restart your phone", "This mail went to anna@demo.invalid");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(4));
        assertThat(Files.list(dir.resolve("demo/standby/data")).map(p -> p.getFileName().toString()))
                .as("the appliance's data imported on the standby").contains("users.csv", "devices.csv");
    }
}
