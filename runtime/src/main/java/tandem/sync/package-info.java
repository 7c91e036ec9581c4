/**
 * The filesystem core of replication (DESIGN.md, "Replication"): what a node has, what differs, and
 * writing the difference safely. The network protocol that carries manifests and file contents
 * between the nodes is built on top of this package and is not part of it.
 *
 * <ul>
 *   <li>{@link tandem.sync.SyncFolder}: one replicated folder as seen on one node, with its
 *       {@link tandem.sync.PathFilter} (include/exclude globs).</li>
 *   <li>{@link tandem.sync.FolderScanner} lists a folder as a manifest of {@link tandem.sync.Entry}s
 *       (path, kind, size, mtime, content hash), re-reading only what changed thanks to the persistent
 *       {@link tandem.sync.HashCache}. {@link tandem.sync.Hashing} defines the content hashes
 *       (XXH3-128 per 128 KiB block, and per file over the block hashes).</li>
 *   <li>{@link tandem.sync.Diff} compares the primary's manifest with this node's into a
 *       {@link tandem.sync.Diff.Plan}; large files that changed a little are sent as a delta against
 *       the receiver's {@link tandem.sync.Signature}.</li>
 *   <li>{@link tandem.sync.FolderWriter} applies a plan on the receiving node: every file
 *       ({@link tandem.sync.IncomingFile}) goes to a temporary file in the target's folder, is fsynced
 *       and hash-verified, then atomically renamed, so a crash never leaves a half-written file in
 *       place; a disk that fills up is a {@link tandem.sync.DiskFullException} and the old file stays.
 *       Many small files are committed together with one flush (group commit).</li>
 *   <li>{@link tandem.sync.SafePaths}: every path that comes from the peer is checked (no {@code ..},
 *       no absolute path, no symbolic link on the way); a refused path is an
 *       {@link tandem.sync.UnsafePathException}, which the caller logs as an attack.</li>
 * </ul>
 */
package tandem.sync;
