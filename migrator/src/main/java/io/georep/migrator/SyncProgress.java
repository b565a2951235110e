package io.georep.migrator;

/**
 * Told about each step of reading and applying, so a terminal can show a count, a rate and an ETA,
 * and a log can show a line per step. Called from several threads.
 */
public interface SyncProgress {

  /**
   * A phase starts, e.g. {@code "read east"} with 1,200 topics, or {@code "apply"} with 85 items.
   */
  void started(String phase, int total);

  /** One more unit of the current phase is done; {@code detail} names it. */
  void advanced(String phase, String detail);

  /** The phase is over. */
  void finished(String phase);

  /** Reports nothing. */
  SyncProgress NONE =
      new SyncProgress() {
        @Override
        public void started(String phase, int total) {}

        @Override
        public void advanced(String phase, String detail) {}

        @Override
        public void finished(String phase) {}
      };
}
