package tandem.node;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The web console's logins and sessions (MS-8). One user, {@code console.user}, whose password is checked
 * against {@code console.password-hash} by the {@link Verifier}; no password, no login.
 *
 * <p>Guessing is slowed, then stopped: the first {@value #FREE_FAILURES} wrong passwords in a row cost
 * nothing more than the hash's own work; each one after that makes the next attempt wait, 1 s, 2 s, 4 s
 * ... up to {@value #MAX_DELAY_MS} ms, refused unseen until then; after {@value #LOCK_AFTER} in a row the
 * user is locked for {@value #LOCK_MS} ms, the right password included. A login resets the count. The
 * count is the user's, not the client's: guessing from many addresses locks the account, which the
 * commands log reports, rather than letting it be guessed.
 *
 * <p>A session lives {@value #IDLE_MS} ms without a request and {@value #MAX_AGE_MS} ms at most; its
 * cookie is {@code HttpOnly}, {@code SameSite=Strict} and, over HTTPS, {@code Secure}. Each session has its
 * own CSRF token, which every state-changing request of the console carries in {@code X-CSRF-Token}.
 * Sessions are kept in memory: a restart of the node logs everyone out.
 */
public final class ConsoleSessions {
    static final int FREE_FAILURES = 3;
    static final long MAX_DELAY_MS = 30_000;
    static final int LOCK_AFTER = 10;
    static final long LOCK_MS = 15 * 60_000;
    static final long IDLE_MS = 30 * 60_000;
    static final long MAX_AGE_MS = 12 * 3600_000;
    static final int MAX_SESSIONS = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Checks a user's password; false for an unknown user or a wrong password. */
    @FunctionalInterface
    public interface Verifier {
        boolean verify(String user, char[] password);
    }

    /** A logged-in browser. */
    public record Session(String id, String user, String csrf, long created) {
    }

    /**
     * What became of a login: a session, or the HTTP code and the reason (401 wrong, 429 too soon after a
     * wrong one, 423 locked, 503 no password set) with the milliseconds until the next attempt is looked at.
     */
    public record Login(Session session, int code, String reason, long retryAfterMs) {
        public boolean ok() {
            return session != null;
        }
    }

    private record Failures(int count, long nextAt) {
    }

    private final String cookieName;
    private final boolean secure;
    private final Verifier verifier;
    private final boolean passwordSet;
    private final LongSupplier clock;
    private final Map<String, Failures> failures = new HashMap<>();
    /** Sessions by id, oldest first. */
    private final LinkedHashMap<String, long[]> lastSeen = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();

    /**
     * @param nodeId      names the cookie, so that two nodes on one host (cookies do not tell ports apart)
     *                    keep their own sessions
     * @param secure      HTTPS: the cookie is sent over HTTPS only
     * @param passwordSet whether {@code console.password-hash} is given; without it every login is refused
     * @param clock       the node's wall clock (epoch ms)
     */
    public ConsoleSessions(String nodeId, boolean secure, boolean passwordSet, Verifier verifier, LongSupplier clock) {
        this.cookieName = "tandem_" + nodeId.replaceAll("[^A-Za-z0-9_-]", "_");
        this.secure = secure;
        this.passwordSet = passwordSet;
        this.verifier = verifier;
        this.clock = clock;
    }

    /** A login attempt; the password array is cleared before this returns. */
    public Login login(String user, char[] password) {
        try {
            if (!passwordSet) {
                return new Login(null, 503, "no console password is set: run `tandem set-password --config FILE`"
                        + " on both nodes", 0);
            }
            long now = clock.getAsLong();
            String key = user == null ? "" : user;
            synchronized (failures) {
                Failures f = failures.get(key);
                if (f != null && now < f.nextAt()) {
                    long wait = f.nextAt() - now;
                    return f.count() >= LOCK_AFTER
                            ? new Login(null, 423, "locked after " + f.count() + " wrong passwords in a row; try again in "
                                    + seconds(wait), wait)
                            : new Login(null, 429, "too soon after a wrong password; try again in " + seconds(wait), wait);
                }
            }
            // the hash's work happens outside the lock: one slow check does not hold up the others
            boolean good = user != null && verifier.verify(user, password);
            synchronized (failures) {
                if (good) {
                    failures.remove(key);
                } else {
                    Failures f = failures.get(key);
                    int n = f == null ? 1 : f.count() + 1;
                    long next = n >= LOCK_AFTER ? now + LOCK_MS
                            : n > FREE_FAILURES ? now + Math.min(MAX_DELAY_MS, 1000L << Math.min(20, n - FREE_FAILURES - 1))
                            : now;
                    failures.put(key, new Failures(n, next));
                    if (failures.size() > 10_000) {
                        failures.clear();
                    }
                    return n >= LOCK_AFTER
                            ? new Login(null, 423, "wrong user or password; locked for " + seconds(LOCK_MS) + " after "
                                    + n + " in a row", LOCK_MS)
                            : new Login(null, 401, "wrong user or password", next - now);
                }
            }
            Session s = new Session(random(), user, random(), now);
            synchronized (lastSeen) {
                expire(now);
                while (sessions.size() >= MAX_SESSIONS) {
                    String oldest = lastSeen.keySet().iterator().next();
                    lastSeen.remove(oldest);
                    sessions.remove(oldest);
                }
                sessions.put(s.id(), s);
                lastSeen.put(s.id(), new long[] {now});
            }
            return new Login(s, 200, "logged in", 0);
        } finally {
            if (password != null) {
                java.util.Arrays.fill(password, '\0');
            }
        }
    }

    /** The session the {@code Cookie} header names, if it is alive; seeing it keeps it alive. */
    public Optional<Session> session(String cookieHeader) {
        String id = cookie(cookieHeader);
        if (id == null) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        synchronized (lastSeen) {
            expire(now);
            Session s = sessions.get(id);
            if (s == null) {
                return Optional.empty();
            }
            // seen now: to the end of the order, which stays oldest-seen first
            lastSeen.remove(id);
            lastSeen.put(id, new long[] {now});
            return Optional.of(s);
        }
    }

    /** Whether {@code token} is the session's CSRF token (compared in constant time). */
    public static boolean csrfMatches(Session s, String token) {
        return token != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    /** Ends the session the cookie names. */
    public void logout(String cookieHeader) {
        String id = cookie(cookieHeader);
        if (id != null) {
            synchronized (lastSeen) {
                sessions.remove(id);
                lastSeen.remove(id);
            }
        }
    }

    /** The {@code Set-Cookie} value that starts a session. */
    public String setCookie(Session s) {
        return cookieName + "=" + s.id() + "; Path=/; Max-Age=" + MAX_AGE_MS / 1000 + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /** The {@code Set-Cookie} value that ends one. */
    public String clearCookie() {
        return cookieName + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Sessions alive now. */
    public int count() {
        synchronized (lastSeen) {
            expire(clock.getAsLong());
            return sessions.size();
        }
    }

    private void expire(long now) {
        for (Iterator<Map.Entry<String, long[]>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, long[]> e = it.next();
            Session s = sessions.get(e.getKey());
            if (s == null || now - e.getValue()[0] > IDLE_MS || now - s.created() > MAX_AGE_MS) {
                it.remove();
                sessions.remove(e.getKey());
            }
        }
    }

    private String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(cookieName + "=")) {
                String v = p.substring(cookieName.length() + 1);
                return v.matches("[A-Za-z0-9_-]{43}") ? v : null;
            }
        }
        return null;
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String seconds(long ms) {
        long s = (ms + 999) / 1000;
        return s >= 120 ? (s + 59) / 60 + " min" : s + " s";
    }
}
