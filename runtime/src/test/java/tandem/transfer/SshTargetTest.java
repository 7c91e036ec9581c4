package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SshTargetTest {
    private static final Path KH = Path.of("/etc/tandem/known_hosts");

    @Test
    void defaultsAreRootOnPort22() {
        SshTarget t = SshTarget.ofPassword("192.168.1.20", "pw", KH);

        assertThat(t.user()).isEqualTo("root");
        assertThat(t.port()).isEqualTo(22);
        assertThat(t.address()).isEqualTo("192.168.1.20:22");
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(t.toString()).doesNotContain("pw").contains("root@192.168.1.20:22 (password)");
    }

    @Test
    void exactlyOneOfPasswordAndKey() {
        assertThatThrownBy(() -> new SshTarget("10.0.0.1", 22, "root", null, null, KH, Duration.ofSeconds(5)))
                .hasMessageContaining("give exactly one of a password or a private key file, none given");
        assertThatThrownBy(() -> new SshTarget("10.0.0.1", 22, "root", "pw", Path.of("id"), KH, Duration.ofSeconds(5)))
                .hasMessageContaining("not both");
    }

    @Test
    void badFieldsAreNamed() {
        assertThatThrownBy(() -> SshTarget.ofPassword("standby.local", "pw", KH))
                .hasMessageContaining("ssh host: 'standby.local' is not an IPv4 address");
        assertThatThrownBy(() -> SshTarget.ofPassword("10.0.0.256", "pw", KH)).hasMessageContaining("not an IPv4");
        assertThatThrownBy(() -> SshTarget.ofPassword("10.0.0.1", "pw", KH).withPort(70000))
                .hasMessageContaining("ssh port: 70000");
        assertThatThrownBy(() -> SshTarget.ofPassword("10.0.0.1", "pw", KH).withUser("a b"))
                .hasMessageContaining("ssh user: 'a b'");
        assertThatThrownBy(() -> SshTarget.ofPassword("10.0.0.1", "", KH)).hasMessageContaining("password")
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> SshTarget.ofPassword("10.0.0.1", "pw", KH).withTimeout(Duration.ZERO))
                .hasMessageContaining("ssh timeout");
    }
}
