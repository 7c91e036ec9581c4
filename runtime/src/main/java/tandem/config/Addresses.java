package tandem.config;

import java.util.regex.Pattern;

/**
 * Syntax checks for addresses in node files. Purely textual: validating a config must not depend on
 * DNS, so host names are checked for form only (RFC 1123), never resolved.
 */
final class Addresses {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private Addresses() {
    }

    /** An IPv4 literal, an IPv6 literal or a host name. */
    static boolean isHostOrAddress(String s) {
        return isIpv4(s) || isIpv6(s) || isHostName(s);
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String s) {
        String a = s;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            if (zone == a.length() - 1) {
                return false;
            }
            a = a.substring(0, zone);
        }
        if (!a.contains(":")) {
            return false;
        }
        int groups = 0;
        int gap = a.indexOf("::");
        if (gap != a.lastIndexOf("::")) {
            return false;
        }
        String[] halves = gap >= 0 ? new String[] {a.substring(0, gap), a.substring(gap + 2)} : new String[] {a};
        for (int h = 0; h < halves.length; h++) {
            if (halves[h].isEmpty()) {
                continue;
            }
            String[] parts = halves[h].split(":", -1);
            for (int i = 0; i < parts.length; i++) {
                boolean last = h == halves.length - 1 && i == parts.length - 1;
                if (last && isIpv4(parts[i])) {
                    groups += 2;
                } else if (HEX_GROUP.matcher(parts[i]).matches()) {
                    groups++;
                } else {
                    return false;
                }
            }
        }
        return gap >= 0 ? groups <= 7 : groups == 8;
    }

    static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // an all-numeric last label is a mistyped IPv4 address (10.0.0.256), not a host name
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** {@code wildcard} addresses bind every interface and so share a port with any other address. */
    static boolean isWildcard(String s) {
        return s.equals("0.0.0.0") || s.equals("::") || s.equals("0:0:0:0:0:0:0:0");
    }

    /** A loopback address or name: 127.0.0.0/8, {@code ::1}, {@code localhost}; only this machine reaches it. */
    public static boolean isLoopback(String s) {
        return s.startsWith("127.") && isIpv4(s) || s.equals("::1") || s.equals("0:0:0:0:0:0:0:1")
                || s.equalsIgnoreCase("localhost");
    }

    /** Something with exactly one {@code @} and text on both sides, without spaces. */
    static boolean isMailAddress(String s) {
        int at = s.indexOf('@');
        return at > 0 && at == s.lastIndexOf('@') && at < s.length() - 1 && s.chars().noneMatch(Character::isWhitespace);
    }
}
