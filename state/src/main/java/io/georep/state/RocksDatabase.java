package io.georep.state;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that touches RocksDB: opens the database with its column families, runs byte-level
 * reads and writes, wraps every {@link RocksDBException} into a {@link StateStoreException} naming
 * the operation and the directory, and closes everything in order.
 *
 * <p>Operations hold a read lock and {@link #close()} the write lock, so no operation runs on a
 * closed native handle (which would crash the JVM rather than throw).
 */
final class RocksDatabase implements AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  /** The column families besides RocksDB's {@code default}, one per kind of record. */
  enum Family {
    CHECKPOINTS("checkpoints"),
    POSITION_MAP("position-map"),
    WORKFLOWS("workflows"),
    AUDIT("audit"),
    SEQUENCE_ANCHORS("sequence-anchors"),
    LINK_FENCES("link-fences");

    final String id;

    Family(String id) {
      this.id = id;
    }
  }

  /** Fills a write batch; runs inside {@link #write}. */
  @FunctionalInterface
  interface BatchFill {
    void fill(Batch batch) throws RocksDBException;
  }

  /** The puts and deletes of one atomic write. */
  final class Batch {
    private final WriteBatch batch;

    private Batch(WriteBatch batch) {
      this.batch = batch;
    }

    void put(Family family, byte[] key, byte[] value) throws RocksDBException {
      batch.put(handle(family), key, value);
    }

    void delete(Family family, byte[] key) throws RocksDBException {
      batch.delete(handle(family), key);
    }
  }

  /** Reads with a {@link Cursor}; runs inside {@link #read}. */
  @FunctionalInterface
  interface CursorRead<T> {
    T read(Cursor cursor) throws RocksDBException;
  }

  /**
   * An iterator over the keys of one column family, in unsigned byte order, valid only inside the
   * {@link #read} that made it. It reads one consistent view: writes made after it was created are
   * not seen.
   */
  static final class Cursor {
    private final RocksIterator it;

    private Cursor(RocksIterator it) {
      this.it = it;
    }

    /** Goes to the least key at or after {@code key}. */
    void seek(byte[] key) {
      it.seek(key);
    }

    /** Goes to the greatest key at or before {@code key}. */
    void seekForPrev(byte[] key) {
      it.seekForPrev(key);
    }

    void next() {
      it.next();
    }

    /**
     * Whether the cursor is at a key; false past either end.
     *
     * @throws RocksDBException if the cursor stopped on an error rather than at an end
     */
    boolean valid() throws RocksDBException {
      if (it.isValid()) {
        return true;
      }
      it.status();
      return false;
    }

    /** Whether the cursor is at a key that starts with {@code prefix}. */
    boolean validWithin(byte[] prefix) throws RocksDBException {
      return valid() && startsWith(it.key(), prefix);
    }

    byte[] key() {
      return it.key();
    }

    byte[] value() {
      return it.value();
    }
  }

  @FunctionalInterface
  private interface RocksCall<T> {
    T call() throws RocksDBException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(RocksDatabase.class);

  private final Path directory;
  // Replaced by a reopen after a failed write (under the lifecycle's write lock).
  private RocksDB db;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions familyOptions;

  /** Index 0 is {@code default}, then those of {@link #families}. */
  private List<ColumnFamilyHandle> handles;

  /**
   * The handle of each family; a read-only store opened on a directory written by an older georep
   * lacks the families added since (reads of them find nothing).
   */
  private final Map<Family, ColumnFamilyHandle> families = new EnumMap<>(Family.class);

  /** WAL on, no fsync per write: survives process death, not necessarily machine death. */
  private final WriteOptions writeOptions = new WriteOptions().setSync(false).setDisableWAL(false);

  /** WAL on and fsynced before the write returns: survives machine death too. */
  private final WriteOptions syncedWriteOptions =
      new WriteOptions().setSync(true).setDisableWAL(false);

  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

  // Writes returned so far, and how many of them the last fsync of the log covered.
  private final java.util.concurrent.atomic.AtomicLong writes =
      new java.util.concurrent.atomic.AtomicLong();
  private final Object syncLock = new Object();
  private volatile long syncedWrites;
  private boolean closed;
  private boolean readOnly;

  // A write failed (a full disk, an I/O error): RocksDB refuses every later write until reopened.
  private volatile boolean writeFailed;
  private long lastReopenNanos;
  private static final long REOPEN_INTERVAL_NANOS = 1_000_000_000L;

  private RocksDatabase(
      Path directory,
      RocksDB db,
      DBOptions dbOptions,
      ColumnFamilyOptions familyOptions,
      List<ColumnFamilyHandle> handles) {
    this.directory = directory;
    this.db = db;
    this.dbOptions = dbOptions;
    this.familyOptions = familyOptions;
    this.handles = handles;
    mapFamilies();
  }

  private void mapFamilies() {
    families.clear();
    for (int i = 1; i < handles.size(); i++) {
      families.put(familyOf(handles.get(i)), handles.get(i));
    }
  }

  /**
   * After a failed write, RocksDB keeps refusing writes (the write-ahead log is in error) even once
   * the disk has room again; reopening the store recovers what the log holds and lets writes go on.
   * Tried before a write, at most once a second; a reopen that fails is tried again later.
   */
  private void recoverFromFailedWrite(String what) {
    if (!writeFailed) {
      return;
    }
    lifecycle.writeLock().lock();
    try {
      if (!writeFailed || closed) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastReopenNanos < REOPEN_INTERVAL_NANOS) {
        throw new StateStoreException(
            "cannot "
                + what
                + " in state directory "
                + directory
                + ": an earlier write failed; the store is reopened at most once a second");
      }
      lastReopenNanos = now;
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
      List<ColumnFamilyHandle> fresh = new ArrayList<>();
      db = RocksDB.open(dbOptions, directory.toString(), descriptors(familyOptions, null), fresh);
      handles = fresh;
      mapFamilies();
      writeFailed = false;
      LOG.warn("Reopened state store {} after a failed write", directory);
    } catch (RocksDBException e) {
      throw new StateStoreException(
          "cannot "
              + what
              + ": the state store at "
              + directory
              + " could not be reopened after a failed write: "
              + e.getMessage(),
          e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /** {@code default}, then each family (those in {@code existing} only, unless it is null). */
  private static List<ColumnFamilyDescriptor> descriptors(
      ColumnFamilyOptions familyOptions, List<String> existing) {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
    for (Family family : Family.values()) {
      if (existing == null || existing.contains(family.id)) {
        descriptors.add(new ColumnFamilyDescriptor(family.id.getBytes(UTF_8), familyOptions));
      }
    }
    return descriptors;
  }

  /**
   * Runs a write; a failure marks the store for a reopen before the next write. A read-only store
   * refuses every write here: marked as failed, it would be reopened for writing.
   */
  private <T> T writing(String what, RocksCall<T> call) {
    if (readOnly) {
      throw new StateStoreException(
          "cannot "
              + what
              + ": the state store at "
              + directory
              + " is open read-only; write through the daemon that owns it, or stop the daemon and"
              + " open the store for writing");
    }
    recoverFromFailedWrite(what);
    try {
      return guarded(what, call);
    } catch (StateStoreException e) {
      if (e.getCause() instanceof RocksDBException) {
        writeFailed = true;
      }
      throw e;
    }
  }

  static RocksDatabase open(Path dir) {
    return open(dir, false);
  }

  /**
   * Opens the database for reading only, beside a daemon that has it open for writing: RocksDB
   * takes no lock then and reads what was written when it opened.
   */
  static RocksDatabase openReadOnly(Path dir) {
    return open(dir, true);
  }

  private static RocksDatabase open(Path dir, boolean readOnly) {
    Path directory = dir.toAbsolutePath().normalize();
    if (readOnly && !Files.isDirectory(directory)) {
      throw new StateStoreException("no state directory at " + directory);
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StateStoreException("cannot create state directory " + directory + ": " + e, e);
    }
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            // No preallocated log space: a full disk then fails the next write at once (and the
            // partition stops with a state error), instead of after megabytes of checkpoints
            // written into space the disk no longer has for anything else.
            .setAllowFAllocate(false)
            .setKeepLogFileNum(5);
    // Checkpoints and position-map runs are small: 4 MiB memtables (not 64) keep the daemon's
    // native memory down, since each family's memtable claims its arena blocks on first write.
    ColumnFamilyOptions familyOptions =
        new ColumnFamilyOptions().setWriteBufferSize(4L * 1024 * 1024);
    List<ColumnFamilyDescriptor> descriptors =
        descriptors(familyOptions, readOnly ? existingFamilies(directory) : null);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db =
          readOnly
              ? RocksDB.openReadOnly(dbOptions, directory.toString(), descriptors, handles)
              : RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
      LOG.info("Opened state store {}{}", directory, readOnly ? " (read-only)" : "");
      RocksDatabase database = new RocksDatabase(directory, db, dbOptions, familyOptions, handles);
      database.readOnly = readOnly;
      return database;
    } catch (RocksDBException e) {
      familyOptions.close();
      dbOptions.close();
      throw openFailure(directory, e);
    }
  }

  private static List<String> existingFamilies(Path directory) {
    try (Options options = new Options()) {
      List<String> names = new ArrayList<>();
      for (byte[] name : RocksDB.listColumnFamilies(options, directory.toString())) {
        names.add(new String(name, UTF_8));
      }
      return names;
    } catch (RocksDBException e) {
      throw openFailure(directory, e);
    }
  }

  private static Family familyOf(ColumnFamilyHandle handle) {
    try {
      String name = new String(handle.getName(), UTF_8);
      for (Family family : Family.values()) {
        if (family.id.equals(name)) {
          return family;
        }
      }
      throw new StateStoreException("unknown column family '" + name + "'");
    } catch (RocksDBException e) {
      throw new StateStoreException("cannot read a column family's name: " + e.getMessage(), e);
    }
  }

  private static StateStoreException openFailure(Path directory, RocksDBException e) {
    String reason = String.valueOf(e.getMessage());
    Path lockFile = directory.resolve("LOCK");
    if (reason.contains("lock hold by current process")) {
      return new StateStoreLockedException(
          directory,
          "state directory "
              + directory
              + " is already open in this georep process (lock file "
              + lockFile
              + "); close the other StateStore first or point state.dir elsewhere",
          e);
    }
    if (reason.contains("While lock file")) {
      return new StateStoreLockedException(
          directory,
          "state directory "
              + directory
              + " is in use by another georep process (lock file "
              + lockFile
              + "); stop that daemon or point state.dir elsewhere",
          e);
    }
    return new StateStoreException("cannot open state directory " + directory + ": " + reason, e);
  }

  Path directory() {
    return directory;
  }

  Optional<byte[]> get(String what, Family family, byte[] key) {
    if (!families.containsKey(family)) {
      return Optional.empty(); // read-only, written before the family existed
    }
    return guarded(what, () -> Optional.ofNullable(db.get(handle(family), key)));
  }

  /** Writes what {@code fill} puts in one atomic batch; writes nothing if {@code fill} throws. */
  void write(String what, BatchFill fill) {
    write(what, false, fill);
  }

  /** {@link #write(String, BatchFill)}; {@code synced} fsyncs the log before returning. */
  void write(String what, boolean synced, BatchFill fill) {
    writing(
        what,
        () -> {
          try (WriteBatch batch = new WriteBatch()) {
            fill.fill(new Batch(batch));
            db.write(synced ? syncedWriteOptions : writeOptions, batch);
            writes.incrementAndGet();
          }
          return null;
        });
  }

  /**
   * Fsyncs the write-ahead log, so that every write that returned before this call survives a crash
   * of the machine. A call that finds a sync begun after its own writes returns at once.
   */
  void sync(String what) {
    long upTo = writes.get();
    if (syncedWrites >= upTo) {
      return;
    }
    synchronized (syncLock) {
      if (syncedWrites >= upTo) {
        return;
      }
      long covering = writes.get();
      writing(
          what,
          () -> {
            db.syncWal();
            return null;
          });
      syncedWrites = covering;
    }
  }

  void delete(String what, Family family, byte[] key) {
    writing(
        what,
        () -> {
          db.delete(handle(family), writeOptions, key);
          return null;
        });
  }

  /**
   * Calls {@code visitor} with each key starting with {@code prefix} and its value, in key order.
   */
  void scan(String what, Family family, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    if (!families.containsKey(family)) {
      return; // read-only, written before the family existed
    }
    guarded(
        what,
        () -> {
          try (RocksIterator it = db.newIterator(handle(family))) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
              visitor.accept(it.key(), it.value());
            }
            it.status();
          }
          return null;
        });
  }

  /** Runs {@code read} with a fresh cursor over {@code family}, and returns what it returns. */
  <T> T read(String what, Family family, CursorRead<T> read) {
    return guarded(
        what,
        () -> {
          try (RocksIterator it = db.newIterator(handle(family))) {
            return read.read(new Cursor(it));
          }
        });
  }

  /**
   * Deletes every key from {@code fromInclusive} to {@code toExclusive} with one range tombstone:
   * the cost does not grow with the number of keys deleted.
   */
  void deleteRange(String what, Family family, byte[] fromInclusive, byte[] toExclusive) {
    writing(
        what,
        () -> {
          db.deleteRange(handle(family), writeOptions, fromInclusive, toExclusive);
          return null;
        });
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private ColumnFamilyHandle handle(Family family) {
    ColumnFamilyHandle handle = families.get(family);
    if (handle == null) {
      throw new StateStoreException(
          "the state store at "
              + directory
              + " has no column family '"
              + family.id
              + "' (written by an older georep and opened read-only)");
    }
    return handle;
  }

  private <T> T guarded(String what, RocksCall<T> call) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new StateStoreException(
            "cannot " + what + ": the state store at " + directory + " is closed");
      }
      return call.call();
    } catch (RocksDBException e) {
      throw new StateStoreException(
          "cannot " + what + " in state directory " + directory + ": " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Flushes the memtables to SST files (so a reopen need not replay the WAL), then releases the
   * handles and the directory lock. Idempotent. Throws if the flush or close failed, after
   * releasing everything anyway.
   */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      RocksDBException failure = null;
      if (!readOnly) {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
          db.flush(flush, handles);
        } catch (RocksDBException e) {
          failure = e;
        }
      }
      handles.forEach(ColumnFamilyHandle::close);
      try {
        db.closeE();
      } catch (RocksDBException e) {
        failure = failure == null ? e : failure;
      }
      writeOptions.close();
      syncedWriteOptions.close();
      familyOptions.close();
      dbOptions.close();
      if (failure != null) {
        throw new StateStoreException(
            "cannot close state directory " + directory + " cleanly: " + failure.getMessage(),
            failure);
      }
      LOG.info("Closed state store {}", directory);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
