package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkflowCodecTest {

  private static final Workflow WORKFLOW =
      new Workflow(
          "migrate-orders",
          "migration",
          "{\"version\":1,\"namespaces\":[\"sales/orders\"],\"note\":\"é ✓\"}",
          "cutover",
          false,
          7,
          Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
          Instant.ofEpochSecond(1_700_000_500L, 1));

  private static final AuditEntry ENTRY =
      new AuditEntry(
          "migrate-orders",
          7,
          Instant.ofEpochSecond(1_700_000_500L, 1),
          AuditEntry.Action.ADVANCED,
          "drain",
          "cutover",
          "lag 0 on 12 partitions");

  @Test
  void workflowRoundTrips() {
    byte[] value = WorkflowCodec.encodeWorkflow(WORKFLOW);

    assertThat(value[0]).isEqualTo((byte) WorkflowCodec.VERSION_1);
    assertThat(WorkflowCodec.decodeWorkflow(WORKFLOW.id(), value)).isEqualTo(WORKFLOW);
  }

  @Test
  void finishedWorkflowWithAnEmptySpecRoundTrips() {
    Workflow finished =
        new Workflow("w", "cleanup", "", "done", true, Long.MAX_VALUE, Instant.MIN, Instant.MAX);

    assertThat(WorkflowCodec.decodeWorkflow("w", WorkflowCodec.encodeWorkflow(finished)))
        .isEqualTo(finished);
  }

  @Test
  void auditEntryRoundTripsEveryAction() {
    for (AuditEntry.Action action : AuditEntry.Action.values()) {
      AuditEntry entry =
          new AuditEntry(
              ENTRY.workflowId(),
              ENTRY.sequence(),
              ENTRY.at(),
              action,
              ENTRY.fromStep(),
              ENTRY.toStep(),
              action == AuditEntry.Action.CREATED ? "" : ENTRY.observation());

      assertThat(
              WorkflowCodec.decodeAuditEntry(
                  entry.workflowId(), entry.sequence(), WorkflowCodec.encodeAuditEntry(entry)))
          .isEqualTo(entry);
    }
  }

  @Test
  void auditKeysOfAWorkflowSortBySequenceAndShareItsPrefix() {
    byte[] prefix = WorkflowCodec.auditPrefix("m");
    byte[] first = WorkflowCodec.encodeAuditKey("m", 1);
    byte[] second = WorkflowCodec.encodeAuditKey("m", 2);
    byte[] big = WorkflowCodec.encodeAuditKey("m", 256);

    assertThat(Arrays.compareUnsigned(first, second)).isNegative();
    assertThat(Arrays.compareUnsigned(second, big)).isNegative();
    assertThat(Arrays.equals(big, 0, prefix.length, prefix, 0, prefix.length)).isTrue();
    assertThat(WorkflowCodec.decodeAuditSequence(prefix, big)).isEqualTo(256);
    byte[] other = WorkflowCodec.encodeAuditKey("m1", 1);
    assertThat(Arrays.equals(other, 0, prefix.length, prefix, 0, prefix.length)).isFalse();
  }

  @Test
  void unknownVersionsAreRejected() {
    byte[] workflow = WorkflowCodec.encodeWorkflow(WORKFLOW);
    workflow[0] = 2;
    byte[] entry = WorkflowCodec.encodeAuditEntry(ENTRY);
    entry[0] = 9;

    assertThatThrownBy(() -> WorkflowCodec.decodeWorkflow(WORKFLOW.id(), workflow))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("workflow value has format version 2")
        .hasMessageContaining("reads only version 1")
        .hasMessageContaining("newer georep");
    assertThatThrownBy(() -> WorkflowCodec.decodeAuditEntry(ENTRY.workflowId(), 7, entry))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("audit value has format version 9");
  }

  @Test
  void damagedValuesAreRejected() {
    byte[] workflow = WorkflowCodec.encodeWorkflow(WORKFLOW);
    byte[] entry = WorkflowCodec.encodeAuditEntry(ENTRY);

    assertThatThrownBy(() -> WorkflowCodec.decodeWorkflow("w", new byte[0]))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(
            () -> WorkflowCodec.decodeWorkflow("w", Arrays.copyOf(workflow, workflow.length - 1)))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("ends before its last field")
        .hasMessageContaining("corrupt");
    assertThatThrownBy(
            () -> WorkflowCodec.decodeWorkflow("w", Arrays.copyOf(workflow, workflow.length + 1)))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("1 bytes after the last field");
    byte[] badAction = entry.clone();
    badAction[1] = 4;
    assertThatThrownBy(() -> WorkflowCodec.decodeAuditEntry("w", 1, badAction))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("unknown action code 4");
    byte[] hugeString = entry.clone();
    hugeString[2] = 0x7f;
    assertThatThrownBy(() -> WorkflowCodec.decodeAuditEntry("w", 1, hugeString))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("corrupt");
  }
}
