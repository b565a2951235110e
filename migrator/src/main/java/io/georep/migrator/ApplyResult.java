package io.georep.migrator;

/**
 * What applying one plan item did.
 *
 * @param item the plan item
 * @param outcome whether it was applied
 * @param message for a skipped or failed item, why; "" when applied
 */
public record ApplyResult(PlanItem item, Outcome outcome, String message) {

  public enum Outcome {
    APPLIED,
    /** Refused by a guard (e.g. a topic that a georep link writes to), not tried. */
    SKIPPED,
    FAILED
  }
}
