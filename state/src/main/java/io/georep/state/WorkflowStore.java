package io.georep.state;

import java.util.List;
import java.util.Optional;

/**
 * The workflows of a daemon and their audit log: each workflow is a record with a frozen spec and a
 * current step, and each change of it is one {@link AuditEntry}.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li><b>Step and log agree.</b> {@link #create}, {@link #advance} and {@link #finish} write the
 *       workflow and its audit entry in one atomic write: after a crash either both are stored or
 *       neither is. The audit log of a workflow is gapless: its entries have the sequences 1 to
 *       {@link Workflow#revision()}.
 *   <li><b>Compare and set.</b> {@link #advance} and {@link #finish} move a workflow only from the
 *       step the caller expects and only while it is not finished; otherwise they throw {@link
 *       WorkflowConflictException} and write nothing. Within one process they are serialized, so of
 *       two callers expecting the same step exactly one succeeds; across processes the directory
 *       lock of {@link StateStore} allows one writer.
 *   <li><b>Durable when returned.</b> Every write is fsynced before it returns: a step taken
 *       survives a crash of the machine, so a resumed workflow never repeats a step it reported as
 *       done (unlike checkpoints, which may lose their last milliseconds).
 *   <li><b>Frozen.</b> The id, kind, spec and creation time never change after {@link #create}.
 *   <li>A stored value this version cannot read (unknown format version, wrong length) makes the
 *       read throw {@link StateStoreException}; it is never guessed at or skipped.
 * </ul>
 *
 * <p>Steps are names, not an enum: the state module knows no workflow kinds. The migrator keeps its
 * steps as enums and stores their names. Nothing here runs a step: a dry run reads and writes
 * nothing, and a step's action must be idempotent, since a crash between the action and its {@link
 * #advance} makes the resumed workflow do it again.
 *
 * <p>Every method throws {@link StateStoreException} when the store fails or is closed, and writes
 * throw it on a store opened read-only. A read-only store opened on a directory written before
 * these column families existed has no workflows.
 */
public interface WorkflowStore {

  /**
   * Creates a workflow at {@code firstStep}, with an audit entry {@link AuditEntry.Action#CREATED}
   * carrying {@code observation}.
   *
   * @param spec what it is to do, in the caller's format (see {@link Workflow#spec()})
   * @return the workflow as stored, at revision 1
   * @throws WorkflowConflictException if a workflow with this id exists (finished or not)
   * @throws IllegalArgumentException if the id, kind or step is not valid (see {@link Workflow})
   */
  Workflow create(String id, String kind, String spec, String firstStep, String observation);

  /** The workflow with this id, or empty if there is none. */
  Optional<Workflow> get(String id);

  /** Every workflow, in the order of their ids (by UTF-8 bytes). The list is unmodifiable. */
  List<Workflow> list();

  /** The workflows of this kind, in the order of their ids. The list is unmodifiable. */
  List<Workflow> list(String kind);

  /**
   * The workflows not finished, in the order of their ids: those a daemon resumes when it starts.
   * The list is unmodifiable.
   */
  List<Workflow> unfinished();

  /**
   * Moves the workflow from {@code expectedStep} to {@code nextStep}, with an audit entry {@link
   * AuditEntry.Action#ADVANCED} carrying {@code observation}, in one fsynced atomic write. {@code
   * nextStep} may equal {@code expectedStep}: that records an observation within a step.
   *
   * @return the workflow as stored now
   * @throws WorkflowConflictException if the workflow is not at {@code expectedStep} or has
   *     finished; nothing is written then
   * @throws StateStoreException if there is no workflow with this id
   */
  Workflow advance(String id, String expectedStep, String nextStep, String observation);

  /**
   * Like {@link #advance}, and ends the workflow at {@code finalStep} (its last step: done, rolled
   * back, abandoned); the audit entry is {@link AuditEntry.Action#FINISHED}. It takes no more steps
   * after this.
   */
  Workflow finish(String id, String expectedStep, String finalStep, String observation);

  /** The audit log of this workflow, oldest first; empty if there is no such workflow. */
  List<AuditEntry> audit(String id);
}
