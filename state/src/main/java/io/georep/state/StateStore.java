package io.georep.state;

import java.nio.file.Path;
import java.time.Clock;

/**
 * georep's durable state: one RocksDB database per daemon, in one directory, with a column family
 * per kind of record ({@code checkpoints}, {@code position-map}, {@code sequence-anchors}, {@code
 * workflows}, {@code audit}, {@code link-fences}; all are created on first open so that later
 * versions need no migration). Callers see records; no RocksDB type appears in this module's API.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li><b>One owner.</b> At most one open {@code StateStore} per directory, across all processes
 *       on the machine: RocksDB locks {@code <dir>/LOCK}, and a second {@link #open} throws {@link
 *       StateStoreLockedException} until the first is closed or its process dies.
 *   <li><b>Durability.</b> Every write goes to the write-ahead log but is not fsynced. A write that
 *       has returned survives the death of the process (kill -9 included): the operating system
 *       holds the log. Only a crash of the machine may lose the last few milliseconds of writes.
 *       That costs replays, never data: a checkpoint is written before the source cursor is
 *       acknowledged, and the cursor on the source broker is the second copy of progress, so a lost
 *       checkpoint only means messages are forwarded again (and deduplicated by the target where
 *       deduplication is on). The exceptions are fsynced before they return, because nothing else
 *       holds a second copy: sequence anchors ({@link CheckpointStore#putAnchors}), workflows with
 *       their audit log ({@link WorkflowStore}) and link fences ({@link LinkFences}).
 *   <li><b>Atomicity.</b> Writes that belong together go in one batch: all of it survives a crash
 *       or none of it does.
 *   <li><b>Thread safety.</b> All methods, of this class and of the stores it hands out, may be
 *       called from any thread. After {@link #close()} every operation throws {@link
 *       StateStoreException}; none reaches the closed native handle.
 *   <li><b>Errors.</b> Every failure is a {@link StateStoreException} saying what failed and on
 *       which directory.
 * </ul>
 */
public final class StateStore implements AutoCloseable {

  private final RocksDatabase db;
  private final CheckpointStore checkpoints;
  private final PositionMap positionMap;
  private final WorkflowStore workflows;
  private final LinkFences linkFences;

  private StateStore(RocksDatabase db) {
    this.db = db;
    this.checkpoints = new RocksCheckpointStore(db);
    this.positionMap = new RocksPositionMap(db);
    this.workflows = new RocksWorkflowStore(db, Clock.systemUTC());
    this.linkFences = new LinkFences(db);
  }

  /**
   * Opens the store in {@code dir}, creating the directory and the database if they do not exist.
   *
   * @throws StateStoreLockedException if the directory is open elsewhere
   * @throws StateStoreException if the directory cannot be created or the database opened
   */
  public static StateStore open(Path dir) throws StateStoreException {
    return new StateStore(RocksDatabase.open(dir));
  }

  /**
   * Opens the store in {@code dir} for reading only, e.g. beside the daemon that writes it; it sees
   * what was written when it opened. Writes through it fail.
   *
   * @throws StateStoreException if there is no store there or it cannot be read
   */
  public static StateStore openReadOnly(Path dir) throws StateStoreException {
    return new StateStore(RocksDatabase.openReadOnly(dir));
  }

  public CheckpointStore checkpoints() {
    return checkpoints;
  }

  /** The position maps of all links; written with the checkpoints, by {@link CheckpointStore}. */
  public PositionMap positionMap() {
    return positionMap;
  }

  /** The workflows and their audit log. */
  public WorkflowStore workflows() {
    return workflows;
  }

  /** The fenced links: kept stopped across restarts until unfenced. */
  public LinkFences linkFences() {
    return linkFences;
  }

  /** The state directory, absolute and normalized. */
  public Path directory() {
    return db.directory();
  }

  /**
   * Flushes the memtables to disk and releases the directory. The write-ahead log already made
   * every write durable against the death of the process; the flush spares the next open a replay.
   * Closing twice does nothing.
   */
  @Override
  public void close() {
    db.close();
  }
}
