package tandem.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tandem.AtomicFiles;
import tandem.TandemException;

/**
 * A node's per-user API tokens ({@code tandem token create|list|revoke}), for scripts, monitoring and any
 * client of the HTTP API that is not the command line: the file {@code <state-dir>/api-tokens}, one line
 * per token, {@code ID USER CREATED SHA256}. The token itself ({@code tdm_<ID>_<secret>}) is shown once, when
 * it is made, and never stored: a reader of the file learns who may call, not how. The node reads the file
 * again whenever it changed, so a revoked token is refused from the next request on.
 */
public final class ApiTokens {
    public static final String FILE = "api-tokens";
    private static final String PREFIX = "tdm_";
    private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One token as the file keeps it. */
    public record Entry(String id, String user, Instant created, String sha256) {
    }

    private final Path file;
    private volatile Loaded loaded = new Loaded(null, -1, List.of());

    private record Loaded(FileTime modified, long size, List<Entry> entries) {
    }

    public ApiTokens(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /** Makes a token for {@code user} and returns it: the only time it is seen. */
    public synchronized String create(String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new TandemException("token: the user name \"" + user + "\" must be 1-32 lower-case letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        List<Entry> all = new ArrayList<>(read());
        String id;
        do {
            byte[] b = new byte[4];
            RANDOM.nextBytes(b);
            id = HexFormat.of().formatHex(b);
        } while (find(all, id).isPresent());
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        all.add(new Entry(id, user, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), sha256(token)));
        write(all);
        return token;
    }

    /** The tokens, oldest first. */
    public List<Entry> list() {
        return read();
    }

    /** Revokes the token {@code idOrUser} names, or every token of that user; returns those revoked (none: empty). */
    public synchronized List<Entry> revoke(String idOrUser) {
        List<Entry> all = new ArrayList<>(read());
        List<Entry> gone = all.stream().filter(e -> e.id().equals(idOrUser) || e.user().equals(idOrUser)).toList();
        if (!gone.isEmpty()) {
            all.removeAll(gone);
            write(all);
        }
        return gone;
    }

    /** The user of {@code token} when it is one of the file's, compared by its hash in constant time. */
    public Optional<String> user(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() < PREFIX.length() + 10) {
            return Optional.empty();
        }
        String id = token.substring(PREFIX.length(), PREFIX.length() + 8);
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Optional<Entry> e = find(read(), id);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        boolean same = MessageDigest.isEqual(sha256(token).getBytes(StandardCharsets.US_ASCII),
                e.get().sha256().getBytes(StandardCharsets.US_ASCII));
        return same ? Optional.of(e.get().user()) : Optional.empty();
    }

    private static Optional<Entry> find(List<Entry> all, String id) {
        return all.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** The file's tokens, read again only when it changed; a line that does not parse is an error naming it. */
    private List<Entry> read() {
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new TandemException("cannot read " + file + ": " + e.getMessage());
        }
        Loaded l = loaded;
        if (modified.equals(l.modified()) && size == l.size()) {
            return l.entries();
        }
        List<Entry> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TandemException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                if (f.length != 4 || !ID.matcher(f[0]).matches() || !USER.matcher(f[1]).matches()
                        || !f[3].matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("expected ID USER CREATED SHA256");
                }
                out.add(new Entry(f[0], f[1], Instant.parse(f[2]), f[3]));
            } catch (RuntimeException e) {
                throw new TandemException(file + ":" + (i + 1) + ": not a token line (" + e.getMessage()
                        + "); fix or remove it, or revoke with tandem token revoke");
            }
        }
        List<Entry> entries = List.copyOf(out);
        loaded = new Loaded(modified, size, entries);
        return entries;
    }

    private void write(List<Entry> all) {
        StringBuilder sb = new StringBuilder("# tandem token create|list|revoke: ID USER CREATED SHA256 (of the token;"
                + " the token itself is not kept)\n");
        for (Entry e : all) {
            sb.append(e.id()).append(' ').append(e.user()).append(' ').append(e.created()).append(' ').append(e.sha256())
                    .append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
            try {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the state folder's own permissions apply
            }
        } catch (IOException e) {
            throw new TandemException("cannot write " + file + ": " + e.getMessage());
        }
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
