package tandem.transfer;

/**
 * A finished upload.
 *
 * @param remotePath where the file now is on the server
 * @param bytes      its size
 * @param sha256Hex  its SHA-256, lower-case hex, the same on both sides
 * @param millis     connect to rename, including the check on the server
 * @param verified   whether the server's own SHA-256 of the file was compared (always, for now: an
 *                   upload that could not be verified is not reported but thrown)
 */
public record TransferReport(String remotePath, long bytes, String sha256Hex, long millis, boolean verified) {
    /** Megabytes (10^6 bytes) per second over the whole transfer. */
    public double megabytesPerSecond() {
        return millis == 0 ? 0 : bytes / 1e3 / millis;
    }
}
