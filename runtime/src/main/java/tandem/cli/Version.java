package tandem.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import tandem.TandemException;

/** {@code tandem --version}: the project's version, as Maven wrote it into {@code tandem/version.properties}. */
final class Version {
    static final String RESOURCE = "tandem/version.properties";

    private Version() {
    }

    /**
     * The version from the filtered resource, else the jar manifest's Implementation-Version; a clear
     * error when neither is there (a tree not built by Maven).
     */
    static String current() {
        try (InputStream in = Version.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "").strip();
                if (!v.isEmpty() && !v.contains("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
        String manifest = Version.class.getPackage().getImplementationVersion();
        if (manifest != null) {
            return manifest;
        }
        throw new TandemException("version unknown: " + RESOURCE + " is missing or unfiltered on the class path"
                + " and the jar has no Implementation-Version; build with mvn package");
    }
}
