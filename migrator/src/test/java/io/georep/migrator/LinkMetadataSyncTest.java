package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.MetadataSyncMode;
import io.georep.replicator.DaemonStatus.MetadataSyncStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LinkMetadataSyncTest {
  private static final Instant NOW = Instant.parse("2026-11-25T14:00:00Z");
  private static final PolicyValue TTL = PolicyValue.ofJson("60");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeSync fake = new FakeSync();
  private final LinkMetadataSync sync =
      new LinkMetadataSync(
          "east-to-west",
          MetadataSyncMode.CONTINUOUS,
          fake,
          new MetadataSyncMetrics(registry, "east-to-west"),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void beforeTheFirstRunTheStatusIsPending() {
    assertThat(sync.status().state()).isEqualTo(LinkMetadataSync.PENDING);
    assertThat(sync.status().mode()).isEqualTo("continuous");
    assertThat(sync.status().lastRunAt()).isNull();
  }

  @Test
  void aRunPlansSafelyAppliesCreatesAndUpdatesAndCountsWhatItKept() {
    fake.plan =
        plan(
            item(SyncAction.CREATE, true, new SyncOperation.CreateNamespace("shop/orders")),
            item(
                SyncAction.UPDATE,
                true,
                new SyncOperation.SetNamespacePolicy("shop/orders", "messageTtlSeconds", TTL)),
            item(
                SyncAction.CONFLICT,
                false,
                new SyncOperation.SetNamespacePolicy("shop/orders", "retention", TTL)),
            item(
                SyncAction.ONLY_ON_TARGET,
                false,
                new SyncOperation.DeleteTopic("persistent://shop/orders/old", false)));

    assertThat(sync.run()).isTrue();

    assertThat(fake.options).containsExactly(PlanOptions.safe());
    assertThat(fake.applied).hasSize(1);
    assertThat(fake.applied.get(0))
        .extracting(PlanItem::action)
        .containsExactly(SyncAction.CREATE, SyncAction.UPDATE);
    assertThat(gauge("georep.metadata.conflicts")).isEqualTo(1);
    assertThat(gauge("georep.metadata.only.on.target")).isEqualTo(1);
    assertThat(gauge("georep.metadata.pending.creates")).isZero();
    assertThat(gauge("georep.metadata.last.success")).isEqualTo(NOW.getEpochSecond());
    assertThat(applied("create")).isEqualTo(1);
    assertThat(applied("update")).isEqualTo(1);
    MetadataSyncStatus status = sync.status();
    assertThat(status.state()).isEqualTo(LinkMetadataSync.DRIFT);
    assertThat(status.applied()).isEqualTo(2);
    assertThat(status.conflicts()).isEqualTo(1);
    assertThat(status.onlyOnTarget()).isEqualTo(1);
    assertThat(status.lastRunAt()).isEqualTo(NOW);
    assertThat(status.lastError()).isNull();
  }

  @Test
  void anItemTheTargetRefusesStaysPendingAndIsCounted() {
    fake.plan =
        plan(
            item(SyncAction.CREATE, true, new SyncOperation.CreateNamespace("shop/orders")),
            item(SyncAction.CREATE, true, new SyncOperation.CreateNamespace("shop/audit")));
    fake.outcome =
        item ->
            item.object().equals("shop/audit")
                ? new ApplyResult(item, ApplyResult.Outcome.FAILED, "cluster 'west': cannot …")
                : new ApplyResult(item, ApplyResult.Outcome.APPLIED, "");

    assertThat(sync.run()).isTrue();

    assertThat(gauge("georep.metadata.pending.creates")).isEqualTo(1);
    assertThat(failures("item")).isEqualTo(1);
    assertThat(failures("run")).isZero();
    assertThat(sync.status().state()).isEqualTo(LinkMetadataSync.DRIFT);
    assertThat(sync.status().failed()).isEqualTo(1);
    assertThat(sync.status().pendingCreates()).isEqualTo(1);
    assertThat(sync.status().lastError()).isEqualTo("cluster 'west': cannot …");
  }

  @Test
  void aFailedRunNeverThrowsAndKeepsWhatTheLastCompletedRunFound() {
    fake.plan =
        plan(
            item(
                SyncAction.CONFLICT,
                false,
                new SyncOperation.SetNamespacePolicy("shop/orders", "retention", TTL)));
    assertThat(sync.run()).isTrue();

    fake.planFailure =
        new MetadataSyncException(
            "west",
            MetadataSyncException.Reason.ACCESS_DENIED,
            "cluster 'west' refused to let role 'georep' read tenant 'shop'",
            null);
    assertThat(sync.run()).isFalse();
    fake.planFailure = new IllegalStateException("a bug");
    assertThat(sync.run()).isFalse();

    assertThat(failures("run")).isEqualTo(2);
    assertThat(gauge("georep.metadata.conflicts")).isEqualTo(1);
    assertThat(sync.status().state()).isEqualTo(LinkMetadataSync.FAILED);
    assertThat(sync.status().conflicts()).isEqualTo(1);
    assertThat(sync.status().lastError()).isEqualTo("IllegalStateException: a bug");
  }

  @Test
  void aTargetThatAgreesIsInSyncWithoutApplying() {
    fake.plan = plan();

    assertThat(sync.run()).isTrue();

    assertThat(fake.applied).isEmpty();
    assertThat(sync.status().state()).isEqualTo(LinkMetadataSync.IN_SYNC);
  }

  @Test
  void closingRemovesTheLinksMeters() {
    assertThat(registry.find("georep.metadata.conflicts").tag("link", "east-to-west").gauge())
        .isNotNull();

    sync.close();

    assertThat(registry.find("georep.metadata.conflicts").gauge()).isNull();
    assertThat(registry.find("georep.metadata.applied").counter()).isNull();
  }

  private double gauge(String name) {
    return registry.get(name).tag("link", "east-to-west").gauge().value();
  }

  private double applied(String action) {
    return registry
        .get("georep.metadata.applied")
        .tag("link", "east-to-west")
        .tag("action", action)
        .counter()
        .count();
  }

  private double failures(String kind) {
    return registry
        .get("georep.metadata.sync.failures")
        .tag("link", "east-to-west")
        .tag("kind", kind)
        .counter()
        .count();
  }

  private static MetadataPlan plan(PlanItem... items) {
    return new MetadataPlan("east-to-west", "east", "west", List.of(items));
  }

  private static PlanItem item(SyncAction action, boolean apply, SyncOperation operation) {
    String object =
        operation instanceof SyncOperation.CreateNamespace c
            ? c.namespace()
            : operation instanceof SyncOperation.SetNamespacePolicy s ? s.namespace() : "other";
    return new PlanItem(action, ObjectKind.NAMESPACE, object, "", "a", "b", operation, apply, "");
  }

  /** Plans and applies from canned answers, and records how it was asked. */
  private static final class FakeSync implements PlanAndApply {
    MetadataPlan plan;
    RuntimeException planFailure;
    Function<PlanItem, ApplyResult> outcome =
        item -> new ApplyResult(item, ApplyResult.Outcome.APPLIED, "");
    final List<PlanOptions> options = new ArrayList<>();
    final List<List<PlanItem>> applied = new ArrayList<>();

    @Override
    public MetadataPlan plan(PlanOptions options, SyncProgress progress) {
      this.options.add(options);
      if (planFailure != null) {
        throw planFailure;
      }
      return plan;
    }

    @Override
    public List<ApplyResult> apply(MetadataPlan plan, SyncProgress progress) {
      applied.add(plan.toApply());
      return plan.toApply().stream().map(outcome).toList();
    }
  }
}
