package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console's logins on a pseudo clock: slowed after a few wrong passwords, then locked; sessions expire. */
class ConsoleSessionsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ConsoleSessions sessions = new ConsoleSessions("node1", true, true,
            (user, pw) -> user.equals("admin") && new String(pw).equals("right password"), now::get);

    private ConsoleSessions.Login login(String pw) {
        return sessions.login("admin", pw.toCharArray());
    }

    @Test
    void aLoginGivesASessionWhoseCookieIsHttpOnlySecureAndStrict() {
        ConsoleSessions.Login l = login("right password");
        assertThat(l.ok()).isTrue();
        String cookie = sessions.setCookie(l.session());
        assertThat(cookie).startsWith("tandem_node1=" + l.session().id() + ";").contains("HttpOnly", "Secure",
                "SameSite=Strict", "Path=/");
        assertThat(sessions.session("other=1; tandem_node1=" + l.session().id())).contains(l.session());
        assertThat(ConsoleSessions.csrfMatches(l.session(), l.session().csrf())).isTrue();
        assertThat(ConsoleSessions.csrfMatches(l.session(), null)).isFalse();
        assertThat(ConsoleSessions.csrfMatches(l.session(), "x" + l.session().csrf().substring(1))).isFalse();
        // another node's cookie of the same id is not this node's
        assertThat(sessions.session("tandem_node2=" + l.session().id())).isEmpty();
        sessions.logout("tandem_node1=" + l.session().id());
        assertThat(sessions.session("tandem_node1=" + l.session().id())).isEmpty();
    }

    @Test
    void wrongPasswordsSlowTheNextAttemptThenLockTheUser() {
        for (int i = 1; i <= ConsoleSessions.FREE_FAILURES; i++) {
            assertThat(login("wrong").code()).as("attempt " + i).isEqualTo(401);
        }
        ConsoleSessions.Login fourth = login("wrong");
        assertThat(fourth.code()).isEqualTo(401);
        assertThat(fourth.retryAfterMs()).isEqualTo(1000);
        // too soon: refused unseen, the right password included
        ConsoleSessions.Login soon = login("right password");
        assertThat(soon.code()).isEqualTo(429);
        assertThat(soon.reason()).contains("try again in 1 s");
        now.addAndGet(1000);
        assertThat(login("wrong").retryAfterMs()).isEqualTo(2000);
        long waited = 2000;
        int failures = ConsoleSessions.FREE_FAILURES + 2;
        while (failures < ConsoleSessions.LOCK_AFTER - 1) {
            now.addAndGet(waited);
            ConsoleSessions.Login l = login("wrong");
            failures++;
            assertThat(l.code()).isEqualTo(401);
            assertThat(l.retryAfterMs()).isEqualTo(Math.min(ConsoleSessions.MAX_DELAY_MS, waited * 2));
            waited = l.retryAfterMs();
        }
        now.addAndGet(waited);
        ConsoleSessions.Login locked = login("wrong");
        assertThat(locked.code()).isEqualTo(423);
        assertThat(locked.reason()).contains("locked for 15 min");
        now.addAndGet(ConsoleSessions.LOCK_MS - 1);
        assertThat(login("right password").code()).isEqualTo(423);
        now.addAndGet(1);
        assertThat(login("right password").ok()).isTrue();
        // the login reset the count
        assertThat(login("wrong").retryAfterMs()).isZero();
    }

    @Test
    void withoutAPasswordNobodyLogsIn() {
        ConsoleSessions none = new ConsoleSessions("node1", false, false, (u, p) -> true, now::get);
        ConsoleSessions.Login l = none.login("admin", "anything at all".toCharArray());
        assertThat(l.code()).isEqualTo(503);
        assertThat(l.reason()).contains("tandem set-password");
        assertThat(new ConsoleSessions("node1", false, true, (u, p) -> true, now::get).setCookie(
                new ConsoleSessions.Session("a".repeat(43), "admin", "c", 0))).doesNotContain("Secure");
    }

    @Test
    void aSessionEndsAfterItsIdleTimeAndItsMaximumAge() {
        ConsoleSessions.Session s = login("right password").session();
        String cookie = "tandem_node1=" + s.id();
        now.addAndGet(ConsoleSessions.IDLE_MS - 1);
        assertThat(sessions.session(cookie)).isPresent();
        now.addAndGet(ConsoleSessions.IDLE_MS + 1);
        assertThat(sessions.session(cookie)).isEmpty();
        ConsoleSessions.Session t = login("right password").session();
        for (long at = 0; at < ConsoleSessions.MAX_AGE_MS; at += ConsoleSessions.IDLE_MS / 2) {
            now.addAndGet(ConsoleSessions.IDLE_MS / 2);
            assertThat(sessions.session("tandem_node1=" + t.id())).isPresent();
        }
        now.addAndGet(1);
        assertThat(sessions.session("tandem_node1=" + t.id())).isEmpty();
    }

    @Test
    void thePasswordIsClearedAfterTheCheck() {
        char[] pw = "right password".toCharArray();
        sessions.login("admin", pw);
        assertThat(new String(pw)).isEqualTo("\0".repeat(pw.length));
    }
}
