package tandem.sync;

import java.nio.charset.Charset;
import org.junit.jupiter.api.Assumptions;

/** Test helper: non-ASCII file names need a JVM whose file-name encoding can represent them. */
final class Unicode {
    private Unicode() {
    }

    /** Skips the test when {@code name} cannot be a file name in this JVM (e.g. LANG unset: ASCII only). */
    static void assumeFileNames(String name) {
        Assumptions.assumeTrue(fileNamesOk(name), "file names are encoded as " + encoding() + ", which cannot hold " + name);
    }

    /** Whether {@code name} can be a file name in this JVM. */
    static boolean fileNamesOk(String name) {
        try {
            return Charset.forName(encoding()).newEncoder().canEncode(name);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String encoding() {
        return System.getProperty("sun.jnu.encoding", "UTF-8");
    }
}
