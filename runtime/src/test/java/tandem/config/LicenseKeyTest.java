package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** RED-3: server license keys {@code XXXXX-XXXXX-XXXXX-XXXXX}. */
class LicenseKeyTest {

    @Test
    void theManualsExamplesAreKeys() {
        for (String key : List.of("XXXXX-YYYYY-ZZZZZ-11111", "DDDDD-FFFFF-TTTTT-22222", "AAAAA-BBBBB-CCCCC-33333",
                "HHHHH-MMMMM-PPPPP-44444", "UUUUU-KKKKK-SSSSS-55555", "VVVVV-RRRRR-JJJJJ-66666")) {
            assertThat(LicenseKey.problem(key)).as(key).isEmpty();
            assertThat(LicenseKey.parse(key)).hasToString(key);
        }
    }

    @Test
    void onlyTheSurroundingWhitespaceIsDropped() {
        assertThat(LicenseKey.parse("  ABCDE-12345-FGHIJ-67890\t")).isEqualTo(LicenseKey.parse("ABCDE-12345-FGHIJ-67890"))
                .hasToString("ABCDE-12345-FGHIJ-67890");
    }

    @Test
    void eachMistakeIsNamed() {
        assertThat(LicenseKey.problem("")).contains("it is empty");
        assertThat(LicenseKey.problem("ABCDE12345FGHIJ67890")).contains("it has 1 group, needs 4 groups of 5 separated by '-'");
        assertThat(LicenseKey.problem("ABCDE-12345-FGHIJ")).contains("it has 3 groups, needs 4 groups of 5 separated by '-'");
        assertThat(LicenseKey.problem("ABCDE-12345-FGHIJ-67890-KLMNO")).contains("it has 5 groups, needs 4 groups of 5"
                + " separated by '-'");
        assertThat(LicenseKey.problem("ABCDE-12345-FGHI-67890")).contains("group 3 has 4 characters, needs 5");
        assertThat(LicenseKey.problem("ABCDE-123456-FGHIJ-67890")).contains("group 2 has 6 characters, needs 5");
        assertThat(LicenseKey.problem("ABCDE--FGHIJ-67890")).contains("group 2 has 0 characters, needs 5");
        assertThat(LicenseKey.problem("ABCDE-12345-FGHIJ-6789")).contains("group 4 has 4 characters, needs 5");
        assertThat(LicenseKey.problem("ABCDE-12_45-FGHIJ-67890")).contains("group 2 has the character '_' (only A-Z and 0-9)");
        assertThat(LicenseKey.problem("ÄBCDE-12345-FGHIJ-67890")).contains("group 1 has the character 'Ä' (only A-Z and 0-9)");
        assertThat(LicenseKey.problem("ABCDE-12 45-FGHIJ-67890")).contains("group 2 has the character U+0020 (only A-Z and 0-9)");
        assertThat(LicenseKey.problem("abcde-12345-FGHIJ-67890")).as("the manual does not say keys may be lower case")
                .contains("group 1 has the lower-case letter 'a' (license keys are written in upper case)");
        assertThat(LicenseKey.problem("ABCDE-12345-FGHIJ-67890")).isEqualTo(Optional.empty());
    }

    @Test
    void parseRefusesWithTheReason() {
        assertThatThrownBy(() -> LicenseKey.parse("ABCDE-12345-FGHI-67890"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a license key XXXXX-XXXXX-XXXXX-XXXXX: group 3 has 4 characters, needs 5");
    }

    @Test
    void keysAreEqualByTheirTextAndOrdered() {
        LicenseKey a = LicenseKey.parse("AAAAA-BBBBB-CCCCC-33333");
        LicenseKey d = LicenseKey.parse("DDDDD-FFFFF-TTTTT-22222");

        assertThat(a).isEqualTo(LicenseKey.parse("AAAAA-BBBBB-CCCCC-33333")).hasSameHashCodeAs(
                LicenseKey.parse("AAAAA-BBBBB-CCCCC-33333")).isNotEqualTo(d);
        assertThat(a.compareTo(d)).isNegative();
        assertThat(new TreeSet<>(List.of(d, a))).containsExactly(a, d);
    }
}
