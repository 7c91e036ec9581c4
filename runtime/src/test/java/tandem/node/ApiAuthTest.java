package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.TandemException;
import tandem.config.Secret;

/** Who may call the HTTP API: per-user tokens until revoked, command-line tokens for a minute and once. */
class ApiAuthTest {
    private static final Secret SECRET = Secret.literal("api-auth-test-secret-0123456789");
    @TempDir
    Path state;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private ApiAuth auth() {
        return new ApiAuth(SECRET, new ApiTokens(state), clock::get);
    }

    @Test
    void aCommandLineTokenIsGoodOnceAndForAMinute() {
        ApiAuth auth = auth();
        String t = ApiAuth.mint(SECRET, "ops", clock.get());
        assertThat(auth.user("Bearer " + t)).contains("cli:ops");
        assertThat(auth.user("Bearer " + t)).as("a replay").isEmpty();

        String later = ApiAuth.mint(SECRET, "ops", clock.get());
        clock.addAndGet(ApiAuth.LIFETIME_MS + ApiAuth.SKEW_MS + 1);
        assertThat(auth.user("Bearer " + later)).as("expired").isEmpty();

        String ahead = ApiAuth.mint(SECRET, "ops", clock.get() + 10 * 60_000);
        assertThat(auth.user("Bearer " + ahead)).as("from a clock far ahead").isEmpty();
        String skewed = ApiAuth.mint(SECRET, "ops", clock.get() + 20_000);
        assertThat(auth.user("Bearer " + skewed)).as("within the allowed skew").contains("cli:ops");
    }

    @Test
    void aUserNameWithADotStillMakesAGoodTokenAndOnlyThePeersConsoleStartsWithATilde() {
        ApiAuth auth = auth();
        // the dot separates the token's fields: an OS user john.doe once got 401 from every command
        assertThat(auth.user("Bearer " + ApiAuth.mint(SECRET, "john.doe", clock.get()))).contains("cli:john_doe");
        assertThat(auth.user("Bearer " + ApiAuth.mint(SECRET, "~admin", clock.get()))).contains("cli:~admin");
        assertThat(auth.user("Bearer " + ApiAuth.mint(SECRET, "a~b", clock.get()))).contains("cli:a_b");
        assertThat(auth.user("Bearer " + ApiAuth.mint(SECRET, "", clock.get()))).contains("cli:cli");
        assertThat(ApiBean.door("cli:~admin")).isEqualTo("peer's web console by admin");
        assertThat(ApiBean.door("console:admin")).isEqualTo("web console by admin");
    }

    @Test
    void aCommandLineTokenMadeWithAnotherSecretOrAlteredIsRefused() {
        ApiAuth auth = auth();
        String other = ApiAuth.mint(Secret.literal("another-secret-of-the-other-site-99"), "ops", clock.get());
        assertThat(auth.user("Bearer " + other)).isEmpty();
        String t = ApiAuth.mint(SECRET, "ops", clock.get());
        assertThat(auth.user("Bearer " + t.replace("tdc1.ops.", "tdc1.root."))).as("another user").isEmpty();
        String[] f = t.split("\\.");
        String longer = f[0] + "." + f[1] + "." + (Long.parseLong(f[2]) + 3_600_000) + "." + f[3] + "." + f[4];
        assertThat(auth.user("Bearer " + longer)).as("a longer life").isEmpty();
        assertThat(auth.user("Bearer " + t)).as("the original still works").contains("cli:ops");
    }

    @Test
    void theHeaderMustBeExactlyBearerAndTheToken() {
        ApiAuth auth = auth();
        String t = new ApiTokens(state).create("monitor");
        assertThat(auth.user("Bearer " + t)).contains("monitor");
        assertThat(auth.user("Bearer  " + t)).isEmpty();
        assertThat(auth.user("Bearer " + t + " ")).isEmpty();
        assertThat(auth.user("Bearer \n" + t)).isEmpty();
        assertThat(auth.user(null)).isEmpty();
        assertThat(auth.user(t)).isEmpty();
        assertThat(auth.user("Basic " + t)).isEmpty();
        assertThat(auth.user("Bearer " + t.substring(0, t.length() - 1))).isEmpty();
        assertThat(auth.user("Bearer " + t + "0")).isEmpty();
        assertThat(auth.user("Bearer ")).isEmpty();
    }

    @Test
    void aUserTokenWorksUntilRevokedAndTheFileKeepsOnlyItsHash() throws Exception {
        ApiTokens tokens = new ApiTokens(state);
        String a = tokens.create("monitor");
        String b = tokens.create("backup-script");
        ApiAuth auth = auth();
        assertThat(auth.user("Bearer " + a)).contains("monitor");
        assertThat(auth.user("Bearer " + a)).as("again: a user token is not single-use").contains("monitor");
        String file = Files.readString(state.resolve(ApiTokens.FILE));
        assertThat(file).doesNotContain(a.substring(13)).contains(ApiTokens.sha256(a)).contains(" monitor ");
        assertThat(tokens.list()).extracting(ApiTokens.Entry::user).containsExactly("monitor", "backup-script");

        String id = a.substring(4, 12);
        assertThat(tokens.revoke(id)).extracting(ApiTokens.Entry::id).containsExactly(id);
        assertThat(auth.user("Bearer " + a)).as("revoked").isEmpty();
        assertThat(auth.user("Bearer " + b)).contains("backup-script");
        assertThat(tokens.revoke("backup-script")).hasSize(1);
        assertThat(auth.user("Bearer " + b)).isEmpty();
        assertThat(tokens.revoke("nobody")).isEmpty();
    }

    @Test
    void badUserNamesAndABrokenTokenFileAreErrorsNamingThem() throws Exception {
        ApiTokens tokens = new ApiTokens(state);
        assertThatThrownBy(() -> tokens.create("Root Admin")).isInstanceOf(TandemException.class)
                .hasMessageContaining("the user name \"Root Admin\" must be 1-32 lower-case letters");
        tokens.create("monitor");
        Files.writeString(state.resolve(ApiTokens.FILE), "garbage here\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(tokens::list).isInstanceOf(TandemException.class)
                .hasMessageContaining(state.resolve(ApiTokens.FILE) + ":3: not a token line");
    }
}
