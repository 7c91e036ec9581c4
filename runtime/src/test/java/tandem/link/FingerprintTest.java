package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {
    @TempDir
    Path dir;

    private SortedMap<String, String> of(Nodes.Spec spec) {
        return Fingerprint.of(spec.config(dir));
    }

    private static Nodes.Spec node1() {
        return new Nodes.Spec("node1", "node2", 7401, 7402);
    }

    @Test
    void namesEverySettingThatMustMatchWithAShortHash() {
        SortedMap<String, String> fp = of(node1());
        assertThat(fp.keySet()).containsExactlyElementsOf(Fingerprint.SETTINGS.stream().sorted().toList());
        assertThat(fp.values()).allMatch(h -> h.matches("[0-9a-f]{16}"));
    }

    @Test
    void theTwoNodesOfASampleAgreeThoughTheirAddressesDiffer() {
        SortedMap<String, String> node2 = of(new Nodes.Spec("node2", "node1", 7402, 7401));
        assertThat(Fingerprint.differences(of(node1()), node2)).isEmpty();
    }

    @Test
    void differencesNameTheSettings() {
        assertThat(Fingerprint.differences(of(node1()), of(node1().vip(null).console("https"))))
                .containsExactly("console protocol", "vip");
    }

    @Test
    void noVipAndALicenseAreValuesToo() throws Exception {
        assertThat(new String(Fingerprint.values(node1().vip(null).config(dir)).get("vip"))).isEqualTo("none");
        assertThat(new String(Fingerprint.values(node1().config(dir)).get("vip"))).isEqualTo("192.168.178.249/24");
        assertThat(new String(Fingerprint.values(node1().config(dir)).get("license"))).isEqualTo("none");
        Files.writeString(Files.createDirectories(dir.resolve("node1")).resolve("site.lic"), "licensed to ACME");
        Nodes.Spec licensed = node1();
        licensed.license = "site.lic";
        assertThat(new String(Fingerprint.values(licensed.config(dir)).get("license"))).isEqualTo("licensed to ACME");
        assertThat(Fingerprint.differences(of(node1()), of(licensed))).containsExactly("license");
    }

    @Test
    void theHashDependsOnTheClusterSecretSoItCannotBeTestedWithoutIt() {
        Nodes.Spec other = node1();
        other.secret = "another-cluster-secret-77";
        assertThat(Fingerprint.differences(of(node1()), of(other))).containsExactlyElementsOf(
                Fingerprint.SETTINGS.stream().sorted().toList());
    }

    @Test
    void theRedundancyProfilesTwoNodesAgreeThoughOnlyTheStandbyNamesTheActivesAddressAsItsVip() {
        Path samples = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize()
                .resolve("samples/redundancy");
        tandem.config.NodeConfig active = tandem.config.ConfigLoader.load(samples.resolve("active.yaml"));
        tandem.config.NodeConfig standby = tandem.config.ConfigLoader.load(samples.resolve("standby.yaml"));
        assertThat(active.vip()).isEmpty();
        assertThat(standby.vip()).isPresent();

        assertThat(Fingerprint.differences(Fingerprint.of(active), Fingerprint.of(standby))).isEmpty();
    }
}
