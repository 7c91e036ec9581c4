package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PasswordHashTest {
    private static final byte[] SALT = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    /** Computed apart from Java: {@code hashlib.pbkdf2_hmac('sha256', pw.encode(), bytes(range(16)), 100000, 32)}. */
    private static final String VECTOR = "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw$yNEi7NuUd81IprF1DFmFwLiwUVjQQNIFF8zbSYZd5DY";
    private static final String VECTOR_UTF8 = "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw$wGx4HnsQmq1zosCRu/GYFacsB/UQ5e5I/p5ANoOUefk";
    private static final String SALT64 = "AAECAwQFBgcICQoLDA0ODw";
    private static final String HASH64 = "yNEi7NuUd81IprF1DFmFwLiwUVjQQNIFF8zbSYZd5DY";

    @Test
    void aNewHashReadsBackAndMatchesOnlyItsPassword() {
        PasswordHash h = PasswordHash.create("correct horse battery".toCharArray());

        assertThat(h.text()).matches("pbkdf2-sha256\\$310000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        PasswordHash read = PasswordHash.parse(h.text());
        assertThat(read).isEqualTo(h);
        assertThat(read.matches("correct horse battery".toCharArray())).isTrue();
        assertThat(read.matches("correct horse batterY".toCharArray())).isFalse();
        assertThat(read.matches(new char[0])).isFalse();
    }

    @Test
    void theSamePasswordTwiceGivesTwoHashes() {
        PasswordHash a = PasswordHash.create("correct horse battery".toCharArray());
        PasswordHash b = PasswordHash.create("correct horse battery".toCharArray());

        assertThat(a.text()).isNotEqualTo(b.text());
        assertThat(a).isNotEqualTo(b);
        assertThat(b.matches("correct horse battery".toCharArray())).isTrue();
    }

    @Test
    void theFormatIsStableAgainstAVectorComputedElsewhere() {
        assertThat(PasswordHash.create("correct horse battery".toCharArray(), SALT, 100_000).text()).isEqualTo(VECTOR);
        assertThat(PasswordHash.parse(VECTOR).matches("correct horse battery".toCharArray())).isTrue();
        // characters beyond ASCII are hashed as UTF-8, as other PBKDF2 implementations do
        assertThat(PasswordHash.parse(VECTOR_UTF8).matches("pässwörd-ü€".toCharArray())).isTrue();
    }

    @Test
    void toStringShowsNoHash() {
        assertThat(PasswordHash.parse(VECTOR)).hasToString("pbkdf2-sha256$100000$****");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "correct horse battery staple     | has no $-separated fields (is it a plain password?)",
        "hunter2$hunter2                  | unknown scheme (the text before the first $ must be pbkdf2-sha256)",
        "$2a$10$abcdefghijklmnopqrstuv    | unknown scheme (the text before the first $ must be pbkdf2-sha256)",
        "pbkdf2-sha256$100000$" + SALT64 + "| has 3 $-separated fields, expected 4",
        "pbkdf2-sha256$100000$" + SALT64 + "$" + HASH64 + "$x | has 5 $-separated fields, expected 4",
        "pbkdf2-sha256$many$" + SALT64 + "$" + HASH64 + "| iterations (the second field) is not a whole number",
        "pbkdf2-sha256$-5$" + SALT64 + "$" + HASH64 + "| iterations (the second field) is not a whole number",
        "pbkdf2-sha256$99999999999$" + SALT64 + "$" + HASH64 + "| iterations (the second field) is not a whole number",
        "pbkdf2-sha256$1000$" + SALT64 + "$" + HASH64 + "| iterations 1000 is below 100000",
        "pbkdf2-sha256$20000000$" + SALT64 + "$" + HASH64 + "| iterations 20000000 is above 10000000 (every login"
                + " would take that long)",
        "pbkdf2-sha256$100000$AAEC*wQFBgcICQoLDA0ODw$" + HASH64 + "| salt (the third field) is not base64 (A-Z a-z 0-9 + /)",
        "pbkdf2-sha256$100000$" + SALT64 + "==$" + HASH64 + "| salt (the third field) must be base64 without padding ('=')",
        "pbkdf2-sha256$100000$AAECAwQFBgcICQoL$" + HASH64 + "| salt (the third field) is 12 bytes, expected 16",
        "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODx$" + HASH64 + "| salt (the third field) is not canonical base64 (its"
                + " last character has bits set that encode nothing)",
        "pbkdf2-sha256$100000$" + SALT64 + "$AAECAwQFBgcICQoLDA0ODw | hash (the fourth field) is 16 bytes, expected 32",
        "pbkdf2-sha256$100000$" + SALT64 + "$ | hash (the fourth field) is 0 bytes, expected 32",
    })
    void malformedTextIsRefusedSayingWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> PasswordHash.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void aPlainPasswordIsNeverQuoted() {
        for (String plain : new String[] {"s3cret-Passw0rd", "s3cret$Passw0rd", "pbkdf2-sha256$s3cret$Passw0rd$x"}) {
            assertThatThrownBy(() -> PasswordHash.parse(plain)).message().doesNotContain("s3cret").doesNotContain("Passw0rd");
        }
    }
}
