/**
 * A node's configuration: the YAML file a site engineer edits ({@code node1.yaml}), read with Jackson
 * into immutable records.
 *
 * <p>{@link tandem.config.ConfigLoader} is the entry point. It collects every error in the file,
 * each with file, line and field path ({@code node1.yaml:12: peer.port: must be 1..65535, got 70000}),
 * and throws them together as one {@link tandem.config.ConfigException}. Defaults that depend on the
 * profile live in {@link tandem.config.ProfileDefaults}; every field's meaning and default is
 * documented on the record component that holds it, starting at {@link tandem.config.NodeConfig}.
 * Passwords and keys are {@link tandem.config.Secret}s, which print as {@code ****}.
 */
package tandem.config;
