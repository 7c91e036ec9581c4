package tandem.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * YAML {@code cluster:}: what the two nodes share.
 *
 * @param name    required; the pair's name, shown in the console ("videeos - cluster1")
 * @param secret  required; at least 16 characters; authenticates every peer-link frame with
 *                HMAC-SHA256 (DESIGN.md, "The peer link"); a literal, {@code ${env:NAME}} or
 *                {@code ${file:PATH}}
 * @param license optional license file (MS-10, RED-3), resolved against the config file's folder;
 *                empty means demo mode
 */
public record Cluster(String name, Secret secret, Optional<Path> license) {
    public Cluster {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(license, "license");
    }
}
