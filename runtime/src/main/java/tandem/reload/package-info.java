/**
 * {@code tandem command reload}: a running node reads its rules, routes and configuration from disk
 * again, checks and tests the new set ({@link tandem.reload.Candidate}), and only when it passed takes
 * it, keeping what the node knows; a refused reload leaves the running set as it was.
 */
package tandem.reload;
