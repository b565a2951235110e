package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApplyScheduleTest {
  private static final String EVENTS = "persistent://sales/orders/events";
  private static final String AUDIT = "persistent://sales/orders/audit";

  @Test
  void stagesRunInDependencyOrderAndOneRecordIsChangedByOneRequestAtATime() {
    PolicyValue ttl = PolicyValue.ofJson("60");
    List<SyncOperation> operations =
        List.of(
            new SyncOperation.CreateTenant("sales", Set.of(), Set.of("west")),
            new SyncOperation.CreateNamespace("sales/orders"),
            new SyncOperation.SetNamespacePolicy("sales/orders", "messageTtlSeconds", ttl),
            new SyncOperation.GrantOnNamespace("sales/orders", "alice", Set.of("consume")),
            new SyncOperation.GrantOnSubscription(
                "sales/orders", "billing", Set.of("bob"), Set.of()),
            new SyncOperation.CreateTopic(EVENTS, 4),
            new SyncOperation.SetTopicPolicy(EVENTS, "messageTtlSeconds", ttl),
            new SyncOperation.GrantOnTopic(EVENTS, "bob", Set.of("consume")),
            new SyncOperation.AddSchemas(EVENTS, List.of()),
            new SyncOperation.CreateSubscription(EVENTS, "billing"),
            new SyncOperation.CreateTopic(AUDIT, 0),
            new SyncOperation.GrantOnTopic(AUDIT, "carol", Set.of("produce")),
            new SyncOperation.CreateSubscription(AUDIT, "auditors"),
            new SyncOperation.DeleteSubscription(AUDIT, "old"),
            new SyncOperation.RevokeOnTopic(AUDIT, "mallory"),
            new SyncOperation.DeleteTopic("persistent://sales/orders/gone", false),
            new SyncOperation.RevokeOnNamespace("sales/orders", "eve"));

    List<List<ApplySchedule.Group>> stages = ApplySchedule.of(operations);

    assertThat(describe(stages, operations))
        .containsExactly(
            "sales: CreateTenant",
            "--",
            "sales/orders: CreateNamespace",
            "--",
            "sales/orders: SetNamespacePolicy GrantOnNamespace GrantOnSubscription",
            "--",
            EVENTS + ": CreateTopic",
            AUDIT + ": CreateTopic",
            "--",
            EVENTS + ": SetTopicPolicy AddSchemas CreateSubscription",
            // topic grants are kept in the namespace's policies: one at a time per namespace
            "sales/orders: GrantOnTopic GrantOnTopic",
            AUDIT + ": CreateSubscription",
            "--",
            AUDIT + ": DeleteSubscription",
            "sales/orders: RevokeOnTopic RevokeOnNamespace",
            "--",
            "persistent://sales/orders/gone: DeleteTopic");
  }

  @Test
  void nothingToApplyHasNoStages() {
    assertThat(ApplySchedule.of(List.of())).isEmpty();
  }

  private static List<String> describe(
      List<List<ApplySchedule.Group>> stages, List<SyncOperation> operations) {
    List<String> lines = new ArrayList<>();
    for (List<ApplySchedule.Group> stage : stages) {
      if (!lines.isEmpty()) {
        lines.add("--");
      }
      for (ApplySchedule.Group group : stage) {
        StringBuilder line = new StringBuilder(group.key()).append(':');
        group
            .items()
            .forEach(i -> line.append(' ').append(operations.get(i).getClass().getSimpleName()));
        lines.add(line.toString());
      }
    }
    return lines;
  }
}
