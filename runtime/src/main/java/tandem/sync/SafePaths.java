package tandem.sync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Set;

/**
 * The guard between paths that come from the peer and the disk: nothing outside a replicated folder
 * can be written, deleted or read (DESIGN.md, "Replication"). A path is refused when it could escape
 * the folder ({@code ..}, an absolute path, a drive letter, a UNC name, a backslash that Windows reads as
 * a separator), when it is not in the one canonical form both nodes compare ({@code .}, empty
 * segments), when it holds control characters, or when it names one of Tandem's own temporary files
 * ({@link FolderWriter#TEMP_PREFIX}). {@link #resolve} also refuses a path that goes through a symbolic link,
 * since a link could point anywhere.
 *
 * <p>Paths are relative and {@code '/'}-separated on both operating systems.
 */
public final class SafePaths {
    private SafePaths() {
    }

    /**
     * Checks a relative path from the peer.
     *
     * @return the path itself, which is already in canonical form when it passes
     * @throws UnsafePathException saying why the path is refused
     */
    public static String check(String rel) throws UnsafePathException {
        String why = problem(rel);
        if (why != null) {
            throw new UnsafePathException(why);
        }
        return rel;
    }

    /** Whether {@link #check} accepts {@code rel}, without the cost of an exception. */
    public static boolean isSafe(String rel) {
        return problem(rel) == null;
    }

    /**
     * Checks {@code rel} and resolves it under {@code root}, refusing when {@code root} or any existing
     * component on the way (each parent and the leaf itself) is a symbolic link. Components that do not
     * exist yet are fine: the caller creates them.
     *
     * @throws UnsafePathException saying why the path is refused
     * @throws IOException         when a component cannot be examined
     */
    public static Path resolve(Path root, String rel) throws IOException {
        return resolve(root, rel, Create.NOTHING, false);
    }

    /**
     * Checks {@code rel} and resolves it under {@code root} for reading: {@code root} and every folder on
     * the way must not be a symbolic link, the leaf itself is not examined, so the caller opens it
     * without following a link ({@link #openForRead}). Folders in {@code known} (found real before by
     * the same caller, within one cycle) are not examined again; the ones examined are added.
     *
     * @throws UnsafePathException saying why the path is refused
     */
    public static Path resolveForRead(Path root, String rel, Set<Path> known) throws IOException {
        check(rel);
        int slash = rel.lastIndexOf('/');
        if (slash < 0) {
            checkRoot(root, known);
            return root.resolve(rel);
        }
        return resolve(root, rel.substring(0, slash), Create.NOTHING, false, known).resolve(rel.substring(slash + 1));
    }

    /**
     * Opens {@code file} (from {@link #resolveForRead}) for reading without following a symbolic link;
     * null when it does not exist.
     *
     * @throws UnsafePathException when it is a symbolic link
     */
    public static FileChannel openForRead(Path file, String rel) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw new UnsafePathException(rel + " is the symbolic link " + file + ", which could point outside the folder");
            }
            throw e;
        }
    }

    /** What {@link #resolve(Path, String, Create, boolean)} creates on the way. */
    enum Create {
        NOTHING,
        PARENTS,
        ALL
    }

    /**
     * {@link #resolve(Path, String)} that can also create the missing directories on the way (one at a
     * time, each checked, so a link that appears meanwhile is still refused) and can accept a symbolic
     * link as the leaf (to delete the link itself).
     */
    static Path resolve(Path root, String rel, Create create, boolean linkLeafOk) throws IOException {
        return resolve(root, rel, create, linkLeafOk, null);
    }

    /**
     * {@link #resolve(Path, String, Create, boolean)} that skips the directories in {@code known} (found
     * to be real directories before, by the same caller) and adds the ones it finds or creates; null
     * examines every one. The caller removes a directory it deletes.
     */
    static Path resolve(Path root, String rel, Create create, boolean linkLeafOk, Set<Path> known)
            throws IOException {
        check(rel);
        checkRoot(root, known);
        Path p = root;
        String[] segs = rel.split("/");
        for (int i = 0; i < segs.length; i++) {
            p = p.resolve(segs[i]);
            boolean leaf = i == segs.length - 1;
            if (!leaf && known != null && known.contains(p)) {
                continue;
            }
            if (leaf && create == Create.PARENTS && !p.toFile().exists()) {
                // the file to be created, as for every new file of an initial sync: a plain stat tells
                // it is absent without the two exceptions (with stack traces) a missing file costs
                // below. A dangling link passes as absent; it is replaced by the rename that installs
                // the file, never followed.
                break;
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                if (create == Create.NOTHING || (leaf && create == Create.PARENTS)) {
                    p = resolveRest(p, segs, i + 1);
                    break;
                }
                try {
                    Files.createDirectory(p);
                    if (known != null) {
                        known.add(p);
                    }
                    continue;
                } catch (FileAlreadyExistsException race) {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                }
            }
            if (a.isSymbolicLink() && !(leaf && linkLeafOk)) {
                String where = leaf ? "is" : "goes through";
                throw new UnsafePathException(rel + " in " + root + " " + where + " the symbolic link "
                        + String.join("/", Arrays.copyOf(segs, i + 1)) + ", which could point outside the folder");
            }
            if (create != Create.NOTHING && !a.isDirectory() && (!leaf || create == Create.ALL)) {
                throw new FileAlreadyExistsException(p.toString(), null,
                        "cannot create directory " + String.join("/", Arrays.copyOf(segs, i + 1)) + " in " + root
                                + " for " + rel + ": a file is in the way");
            }
            if (known != null && a.isDirectory() && !a.isSymbolicLink()) {
                known.add(p);
            }
        }
        if (!p.normalize().startsWith(root.normalize())) {
            throw new UnsafePathException(rel + " resolves to " + p + ", outside the folder " + root);
        }
        return p;
    }

    /** Refuses a folder that is a symbolic link; remembered in {@code known} (may be null) once found a directory. */
    private static void checkRoot(Path root, Set<Path> known) throws UnsafePathException {
        if (known != null && known.contains(root)) {
            return;
        }
        if (Files.isSymbolicLink(root)) {
            throw new UnsafePathException("folder " + root + " is a symbolic link; Tandem does not write through links");
        }
        if (known != null && Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            known.add(root);
        }
    }

    private static Path resolveRest(Path p, String[] segs, int from) {
        for (int i = from; i < segs.length; i++) {
            p = p.resolve(segs[i]);
        }
        return p;
    }

    /** Why {@code rel} is refused, or null. */
    static String problem(String rel) {
        if (rel == null || rel.isEmpty()) {
            return "empty path";
        }
        String shown = printable(rel);
        if (rel.charAt(0) == '/') {
            return "absolute path '" + shown + "'";
        }
        if (rel.length() >= 2 && rel.charAt(1) == ':' && isAsciiLetter(rel.charAt(0))) {
            return "path with a drive letter '" + shown + "'";
        }
        int segStart = 0;
        for (int i = 0; i <= rel.length(); i++) {
            char c = i < rel.length() ? rel.charAt(i) : '/';
            if (c == '/') {
                int len = i - segStart;
                if (len == 0) {
                    return "empty segment in '" + shown + "'";
                }
                if (len == 1 && rel.charAt(segStart) == '.') {
                    return "'.' segment in '" + shown + "'";
                }
                if (len == 2 && rel.charAt(segStart) == '.' && rel.charAt(segStart + 1) == '.') {
                    return "'..' segment in '" + shown + "'";
                }
                if (rel.startsWith(FolderWriter.TEMP_PREFIX, segStart)) {
                    return "name of a Tandem temporary file in '" + shown + "'";
                }
                segStart = i + 1;
            } else if (c == '\\') {
                return "backslash in '" + shown + "'";
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "control character in '" + shown + "'";
            }
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** {@code rel} with control characters shown as {@code \\uXXXX}, for a log line that cannot be forged. */
    static String printable(String rel) {
        StringBuilder b = null;
        for (int i = 0; i < rel.length(); i++) {
            char c = rel.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                if (b == null) {
                    b = new StringBuilder(rel.length() + 8).append(rel, 0, i);
                }
                b.append(String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        String s = b == null ? rel : b.toString();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
