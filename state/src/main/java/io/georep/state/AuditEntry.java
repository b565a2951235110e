package io.georep.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of a workflow, written in the same atomic write as the change itself: its creation or
 * one step.
 *
 * @param workflowId the workflow it belongs to
 * @param sequence its place in the workflow's log: 1 for the creation, then one more per step, with
 *     no gaps; the workflow's {@link Workflow#revision()} is that of its latest entry
 * @param at when it was written
 * @param action what happened
 * @param fromStep the step before; for {@link Action#CREATED}, the first step (as {@code toStep})
 * @param toStep the step after; may equal {@code fromStep} (an observation recorded within a step)
 * @param observation what the caller saw or decided, in its own format (a gate's values, an
 *     operator's confirmation, an error); may be empty
 */
public record AuditEntry(
    String workflowId,
    long sequence,
    Instant at,
    Action action,
    String fromStep,
    String toStep,
    String observation) {

  /** What an audit entry records. */
  public enum Action {
    /** The workflow was created at {@code toStep}. */
    CREATED,
    /** The workflow went from {@code fromStep} to {@code toStep} and goes on. */
    ADVANCED,
    /** The workflow went from {@code fromStep} to {@code toStep} and ended there. */
    FINISHED
  }

  public AuditEntry {
    Workflow.requireId(workflowId);
    if (sequence < 1) {
      throw new IllegalArgumentException(
          "sequence of an audit entry of workflow '"
              + workflowId
              + "' must be at least 1: "
              + sequence);
    }
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    Workflow.requireName("step of workflow '" + workflowId + "'", fromStep);
    Workflow.requireName("step of workflow '" + workflowId + "'", toStep);
    Objects.requireNonNull(observation, "observation");
  }
}
