/**
 * Running programs of the operating system: every program Tandem starts (checkers, actions, fencing,
 * replication scripts) goes through {@link tandem.os.Commands}, bounded by a timeout and never
 * throwing for what the program does, so that tests answer with a fake;
 * {@link tandem.os.SystemCommands} is the real one. {@link tandem.os.CommandLine} splits a configured
 * command line into argv without a shell, and {@link tandem.os.Os} tells which family of operating
 * system this is.
 */
package tandem.os;
