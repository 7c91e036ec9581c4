package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortHolderTest {
    @Test
    void namesTheProcessSsShows() {
        String ss = "LISTEN 0      50     [::ffff:127.0.0.1]:7401            *:*    users:((\"java\",pid=1234,fd=45))\n";
        assertThat(PortHolder.fromSs(ss)).isEqualTo("held by java pid 1234");
    }

    @Test
    void saysSoWhenSsShowsNoProcess() {
        assertThat(PortHolder.fromSs("LISTEN 0      4096         0.0.0.0:7401      0.0.0.0:*\n"))
                .isEqualTo("ss does not show the holder; it may belong to another user");
        assertThat(PortHolder.fromSs("")).isEqualTo("ss shows no listener, holder unknown");
    }
}
