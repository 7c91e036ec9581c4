package tandem.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Reads a text file the user names (a node file, a scenario, a secret) with a bound on its size:
 * at most {@code limit + 1} bytes are ever read, so a huge file or a device such as
 * {@code /dev/zero} gives a plain error instead of exhausting the memory. The text must be UTF-8;
 * an error names the line of the first byte that is not.
 */
public final class TextFile {
    /** The most a node file or a scenario may hold. */
    public static final int DOCUMENT_LIMIT = 1 << 20;
    /** The most a secret file may hold. */
    public static final int SECRET_LIMIT = 64 << 10;

    private TextFile() {
    }

    /**
     * Why a file could not be read as text.
     *
     * @param line    1-based line of the problem, 0 when it concerns the whole file
     * @param message what is wrong, without the file's name
     */
    public record Problem(int line, String message) {
    }

    /** Thrown with the {@link Problem}; callers turn it into their own {@code FILE:LINE: message}. */
    public static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Problem problem;

        Unreadable(int line, String message) {
            super(message, null, false, false);
            this.problem = new Problem(line, message);
        }

        public Problem problem() {
            return problem;
        }
    }

    /**
     * Reads {@code file} as UTF-8 text of at most {@code limit} bytes.
     *
     * @param what what the file is, for the size message: "a configuration", "a scenario"
     * @throws Unreadable when the file is missing, a folder, too big, not UTF-8 or cannot be read
     */
    public static String read(Path file, int limit, String what) throws Unreadable {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Unreadable(0, "file not found (" + file.toAbsolutePath().normalize() + ")");
        } catch (IOException e) {
            throw new Unreadable(0, "cannot read file: " + e);
        }
        if (attrs.isDirectory()) {
            throw new Unreadable(0, "is a folder, not a file");
        }
        String bound = what + " is at most " + size(limit);
        if (attrs.isRegularFile() && attrs.size() > limit) {
            throw new Unreadable(0, "is " + attrs.size() + " bytes; " + bound);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw new Unreadable(0, "cannot read file: " + e);
        }
        if (bytes.length > limit) {
            throw new Unreadable(0, attrs.isRegularFile()
                    ? "grew beyond " + size(limit) + " while it was read; " + bound
                    : "is not a regular file (" + kind(attrs) + ") and gives more than " + size(limit) + "; " + bound);
        }
        return utf8(bytes);
    }

    /**
     * Decodes {@code bytes} as UTF-8.
     *
     * @throws Unreadable naming the line and column of the first byte that is not UTF-8
     */
    public static String utf8(byte[] bytes) throws Unreadable {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new Unreadable(line, String.format(Locale.ROOT,
                    "is not UTF-8 text: the byte 0x%02x in column %d is not UTF-8; save the file as UTF-8",
                    bytes[at] & 0xff, at - lineStart + 1));
        }
        return out.flip().toString();
    }

    /**
     * The first character YAML does not allow (a control character other than tab and line ends, or
     * a lone surrogate), as a {@link Problem} at its line; null when there is none. YAML parsers
     * report it without a usable line.
     */
    public static Problem firstCharacterYamlRefuses(String text) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
            } else if (!yamlPrintable(c)) {
                return new Problem(line, String.format(Locale.ROOT,
                        "the character U+%04X in column %d is not allowed in YAML (only tabs, line ends and"
                                + " printable characters are)", c, text.codePointCount(lineStart, i) + 1));
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /** YAML 1.2's c-printable, as snakeyaml checks it. */
    private static boolean yamlPrintable(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0x7E) || c == 0x85
                || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /** The line {@code offset} (a char index) is on, 1-based. */
    public static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String kind(BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) {
            return "a link";
        }
        return attrs.isOther() ? "a device, pipe or socket" : "not a plain file";
    }

    static String size(int bytes) {
        if (bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + " MiB";
        }
        if (bytes % (1 << 10) == 0) {
            return bytes / (1 << 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
