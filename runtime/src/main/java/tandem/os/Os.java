package tandem.os;

import java.util.Locale;

/** Which family of operating system Tandem runs on; picks the implementations of the ports. */
public final class Os {
    private Os() {
    }

    /** True on Windows ({@code os.name} starts with "Windows"). */
    public static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
