package io.georep.state;

import io.georep.state.RocksDatabase.Family;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * {@link WorkflowStore} on the {@code workflows} and {@code audit} column families, encoded by
 * {@link WorkflowCodec}. Writes hold one lock from the read of the current workflow to the end of
 * the write, which makes their compare-and-set atomic within the process; the directory lock keeps
 * other processes out. Workflows change a few times an hour, so one lock costs nothing.
 */
final class RocksWorkflowStore implements WorkflowStore {

  private final RocksDatabase db;
  private final Clock clock;
  private final ReentrantLock writeLock = new ReentrantLock();

  RocksWorkflowStore(RocksDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Workflow create(
      String id, String kind, String spec, String firstStep, String observation) {
    Workflow.requireId(id);
    Objects.requireNonNull(observation, "observation");
    writeLock.lock();
    try {
      Optional<Workflow> existing = get(id);
      if (existing.isPresent()) {
        Workflow other = existing.get();
        throw new WorkflowConflictException(
            id,
            "cannot create workflow '"
                + id
                + "': a workflow with this id exists in state directory "
                + db.directory()
                + " ("
                + other.kind()
                + ", "
                + (other.finished() ? "finished at" : "at")
                + " step '"
                + other.step()
                + "'); choose another id, or resume that workflow");
      }
      Instant now = clock.instant();
      Workflow workflow = new Workflow(id, kind, spec, firstStep, false, 1, now, now);
      AuditEntry entry =
          new AuditEntry(id, 1, now, AuditEntry.Action.CREATED, firstStep, firstStep, observation);
      put("create workflow '" + id + "'", workflow, entry);
      return workflow;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Optional<Workflow> get(String id) {
    Workflow.requireId(id);
    return db.get("read workflow '" + id + "'", Family.WORKFLOWS, WorkflowCodec.encodeKey(id))
        .map(value -> decodeWorkflow(id, value));
  }

  @Override
  public List<Workflow> list() {
    return list("read the workflows", workflow -> true);
  }

  @Override
  public List<Workflow> list(String kind) {
    Objects.requireNonNull(kind, "kind");
    return list(
        "read the workflows of kind '" + kind + "'", workflow -> workflow.kind().equals(kind));
  }

  @Override
  public List<Workflow> unfinished() {
    return list("read the unfinished workflows", workflow -> !workflow.finished());
  }

  private List<Workflow> list(String what, Predicate<Workflow> filter) {
    List<Workflow> workflows = new ArrayList<>();
    db.scan(
        what,
        Family.WORKFLOWS,
        new byte[0],
        (key, value) -> {
          Workflow workflow = decodeWorkflow(WorkflowCodec.decodeKey(key), value);
          if (filter.test(workflow)) {
            workflows.add(workflow);
          }
        });
    return List.copyOf(workflows);
  }

  @Override
  public Workflow advance(String id, String expectedStep, String nextStep, String observation) {
    return move(id, expectedStep, nextStep, observation, AuditEntry.Action.ADVANCED);
  }

  @Override
  public Workflow finish(String id, String expectedStep, String finalStep, String observation) {
    return move(id, expectedStep, finalStep, observation, AuditEntry.Action.FINISHED);
  }

  private Workflow move(
      String id,
      String expectedStep,
      String nextStep,
      String observation,
      AuditEntry.Action action) {
    Workflow.requireId(id);
    Workflow.requireName("expected step of workflow '" + id + "'", expectedStep);
    Workflow.requireName("next step of workflow '" + id + "'", nextStep);
    Objects.requireNonNull(observation, "observation");
    String what =
        (action == AuditEntry.Action.FINISHED ? "finish" : "advance")
            + " workflow '"
            + id
            + "' from step '"
            + expectedStep
            + "' to '"
            + nextStep
            + "'";
    writeLock.lock();
    try {
      Workflow current =
          get(id)
              .orElseThrow(
                  () ->
                      new StateStoreException(
                          "cannot "
                              + what
                              + ": there is no workflow with this id in state directory "
                              + db.directory()));
      if (current.finished()) {
        throw new WorkflowConflictException(
            id,
            "cannot "
                + what
                + ": it finished at step '"
                + current.step()
                + "' (revision "
                + current.revision()
                + ") and takes no more steps; start a new workflow (state directory "
                + db.directory()
                + ")");
      }
      if (!current.step().equals(expectedStep)) {
        throw new WorkflowConflictException(
            id,
            "cannot "
                + what
                + ": it is at step '"
                + current.step()
                + "' (revision "
                + current.revision()
                + "), not at the expected step '"
                + expectedStep
                + "'; another run moved it: read it again and go on from its current step (state"
                + " directory "
                + db.directory()
                + ")");
      }
      Instant now = clock.instant();
      long sequence = current.revision() + 1;
      Workflow next =
          new Workflow(
              id,
              current.kind(),
              current.spec(),
              nextStep,
              action == AuditEntry.Action.FINISHED,
              sequence,
              current.createdAt(),
              now);
      put(
          what,
          next,
          new AuditEntry(id, sequence, now, action, expectedStep, nextStep, observation));
      return next;
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes a workflow and its audit entry in one batch, fsynced before returning. */
  private void put(String what, Workflow workflow, AuditEntry entry) {
    byte[] value = WorkflowCodec.encodeWorkflow(workflow);
    byte[] auditValue = WorkflowCodec.encodeAuditEntry(entry);
    db.write(
        what,
        true,
        batch -> {
          batch.put(Family.WORKFLOWS, WorkflowCodec.encodeKey(workflow.id()), value);
          batch.put(
              Family.AUDIT,
              WorkflowCodec.encodeAuditKey(workflow.id(), entry.sequence()),
              auditValue);
        });
  }

  @Override
  public List<AuditEntry> audit(String id) {
    Workflow.requireId(id);
    byte[] prefix = WorkflowCodec.auditPrefix(id);
    List<AuditEntry> entries = new ArrayList<>();
    db.scan(
        "read the audit log of workflow '" + id + "'",
        Family.AUDIT,
        prefix,
        (key, value) -> {
          try {
            long sequence = WorkflowCodec.decodeAuditSequence(prefix, key);
            if (sequence != entries.size() + 1) {
              throw new StateStoreException(
                  "entry "
                      + (entries.size() + 1)
                      + " is missing (the next is "
                      + sequence
                      + "): the state directory is corrupt");
            }
            entries.add(WorkflowCodec.decodeAuditEntry(id, sequence, value));
          } catch (StateStoreException e) {
            throw unreadable("the audit log of workflow '" + id + "'", e);
          }
        });
    return List.copyOf(entries);
  }

  private Workflow decodeWorkflow(String id, byte[] value) {
    try {
      return WorkflowCodec.decodeWorkflow(id, value);
    } catch (StateStoreException e) {
      throw unreadable("workflow '" + id + "'", e);
    }
  }

  private StateStoreException unreadable(String what, StateStoreException e) {
    return new StateStoreException(
        "cannot read " + what + " in state directory " + db.directory() + ": " + e.getMessage(), e);
  }
}
