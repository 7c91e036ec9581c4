package tandem.link;

import tandem.TandemException;

/**
 * {@link PeerLink#start()} could not bind a listen port because something else holds it (MS-11).
 * The message names the setting, the address and port, and on Linux the holding process when
 * {@code ss} can show it: {@code listen.port 7401 on 127.0.0.1 is already in use (held by java pid 1234)}.
 */
public class PortInUseException extends TandemException {
    private final String address;
    private final int port;

    public PortInUseException(String message, String address, int port, Throwable cause) {
        super(message, cause);
        this.address = address;
        this.port = port;
    }

    /** The listen address that was tried. */
    public String address() {
        return address;
    }

    /** The port that is in use. */
    public int port() {
        return port;
    }
}
