package io.georep.state;

/**
 * A workflow write refused because the stored workflow is not as the caller expected: the id is
 * taken, the workflow is at another step (another run advanced it), or it has finished. Nothing was
 * written. The caller reads the workflow again ({@link WorkflowStore#get}) and decides.
 */
public final class WorkflowConflictException extends StateStoreException {

  private final String workflowId;

  WorkflowConflictException(String workflowId, String message) {
    super(message);
    this.workflowId = workflowId;
  }

  /** The workflow whose write was refused. */
  public String workflowId() {
    return workflowId;
  }
}
