package tandem.engine;

import java.util.List;

/**
 * The operator commands the engine knows. Whether one is allowed now is decided by the rules
 * (commands.drl and the profile's rules), which answer every command with an accepting or a
 * refusing Decision.
 */
public final class Commands {

    /**
     * start, stop and swap are the manual's node commands (MS-2, MS-8); force-start is the confirmed
     * override for a node that is not uptodate; boot-start-on/off is the manual's "configure boot start".
     */
    public static final List<String> KNOWN = List.of("start", "stop", "swap", "force-start", "boot-start-on",
            "boot-start-off", "sync", "test-mail");

    private Commands() {
    }

    public static boolean known(String name) {
        return KNOWN.contains(name);
    }
}
