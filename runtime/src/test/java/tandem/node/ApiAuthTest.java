package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tandem.config.Secret;

class ApiAuthTest {
    private static final String TOKEN = ApiAuth.token(Secret.literal("api-auth-test-secret-0123456789"));

    @Test
    void theExactTokenIsAccepted() {
        assertThat(ApiAuth.accepts("Bearer " + TOKEN, TOKEN)).isTrue();
    }

    @Test
    void aTokenWithAnythingAroundItIsRefused() {
        assertThat(ApiAuth.accepts("Bearer  " + TOKEN, TOKEN)).isFalse();
        assertThat(ApiAuth.accepts("Bearer " + TOKEN + " ", TOKEN)).isFalse();
        assertThat(ApiAuth.accepts("Bearer " + TOKEN + "\t", TOKEN)).isFalse();
        assertThat(ApiAuth.accepts("Bearer \n" + TOKEN, TOKEN)).isFalse();
    }

    @Test
    void anythingButTheTokenIsRefused() {
        assertThat(ApiAuth.accepts(null, TOKEN)).isFalse();
        assertThat(ApiAuth.accepts(TOKEN, TOKEN)).isFalse();
        assertThat(ApiAuth.accepts("Basic " + TOKEN, TOKEN)).isFalse();
        assertThat(ApiAuth.accepts("Bearer " + TOKEN.substring(1), TOKEN)).isFalse();
        assertThat(ApiAuth.accepts("Bearer " + TOKEN + "0", TOKEN)).isFalse();
        assertThat(ApiAuth.accepts("Bearer ", TOKEN)).isFalse();
    }
}
