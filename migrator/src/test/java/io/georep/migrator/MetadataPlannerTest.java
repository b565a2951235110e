package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.LinkOptions;
import io.georep.config.MappingConfig;
import io.georep.config.MetadataSyncMode;
import io.georep.config.ScopeConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetadataPlannerTest {
  private static final ScopeConfig SALES =
      new ScopeConfig(false, List.of("sales/orders"), List.of(), List.of(), List.of());
  private static final PolicyValue RETENTION_1H =
      PolicyValue.ofJson("{\"retentionSizeInMB\":100,\"retentionTimeInMinutes\":60}");
  private static final PolicyValue RETENTION_2H =
      PolicyValue.ofJson("{\"retentionSizeInMB\":100,\"retentionTimeInMinutes\":120}");
  private static final PolicyValue ON = PolicyJson.of(Boolean.TRUE);
  private static final PolicyValue OFF = PolicyJson.of(Boolean.FALSE);
  private static final SchemaVersion V1 = new SchemaVersion("AVRO", "{\"v\":1}", Map.of());
  private static final SchemaVersion V2 = new SchemaVersion("AVRO", "{\"v\":2}", Map.of());

  @Test
  void anEmptyTargetGetsEverythingCreatedInDependencyOrder() {
    MetadataPlan plan =
        plan(SALES, MappingConfig.identity(), PlanOptions.safe(), source(), empty());

    assertThat(plan.items())
        .extracting(i -> i.action() + " " + i.what() + " " + i.object())
        .containsExactly(
            "CREATE tenant sales",
            "CREATE namespace sales/orders",
            "CREATE policy retention sales/orders",
            "CREATE grant alice sales/orders",
            "CREATE topic persistent://sales/orders/events",
            "CREATE topic policy messageTtlSeconds persistent://sales/orders/events",
            "CREATE topic grant bob persistent://sales/orders/events",
            "CREATE schema persistent://sales/orders/events",
            "CREATE subscription billing persistent://sales/orders/events",
            "CREATE topic persistent://sales/orders/plain");
    assertThat(plan.items()).allMatch(PlanItem::willApply);
    assertThat(plan.items().get(0).operation())
        .isEqualTo(
            new SyncOperation.CreateTenant("sales", Set.of("sales-admin"), Set.of("west-pulsar")));
    assertThat(plan.items().get(4).operation())
        .isEqualTo(new SyncOperation.CreateTopic("persistent://sales/orders/events", 4));
    assertThat(plan.items().get(7).operation())
        .isEqualTo(
            new SyncOperation.AddSchemas("persistent://sales/orders/events", List.of(V1, V2)));
  }

  @Test
  void aTargetEqualToTheSourceNeedsNothing() {
    MetadataSnapshot target =
        new MetadataSnapshot(
            Map.of(
                "sales",
                new MetadataSnapshot.Tenant("sales", Set.of("sales-admin"), Set.of("west-pulsar"))),
            source().namespaces(),
            source().topics());

    assertThat(plan(SALES, MappingConfig.identity(), PlanOptions.safe(), source(), target).items())
        .isEmpty();
  }

  @Test
  void deduplicationTheLinkSwitchedOnIsExpectedOnTheTargetNeverDriftNorOverwritten() {
    MetadataSnapshot target = withNamespacePolicy(copyOfSource(), "deduplication", ON);
    PlanOptions overwriteAll = PlanOptions.of(List.of("all"), true);

    assertThat(plan(deduplicating(), PlanOptions.safe(), source(), target).items()).isEmpty();
    assertThat(plan(deduplicating(), overwriteAll, source(), target).items()).isEmpty();
    MetadataSnapshot sourceSaysOff = withNamespacePolicy(source(), "deduplication", OFF);
    assertThat(plan(deduplicating(), overwriteAll, sourceSaysOff, target).items())
        .as("the source's own setting does not switch off what the link needs")
        .isEmpty();
  }

  @Test
  void deduplicationTheLinkNeedsIsSetWhereTheTargetLacksOrRefusesIt() {
    PlanItem missing = single(plan(deduplicating(), PlanOptions.safe(), source(), copyOfSource()));
    assertThat(missing.action()).isEqualTo(SyncAction.UPDATE);
    assertThat(missing.what()).isEqualTo("policy deduplication");
    assertThat(missing.operation())
        .isEqualTo(new SyncOperation.SetNamespacePolicy("sales/orders", "deduplication", ON));
    assertThat(missing.willApply()).isTrue();

    MetadataSnapshot switchedOff = withNamespacePolicy(copyOfSource(), "deduplication", OFF);
    PlanItem off = single(plan(deduplicating(), PlanOptions.safe(), source(), switchedOff));
    assertThat(off.action()).isEqualTo(SyncAction.CONFLICT);
    assertThat(off.source()).isEqualTo("true");
    assertThat(off.target()).isEqualTo("false");
  }

  @Test
  void withoutTheLinkOptionTargetDeduplicationIsTheTargetsOwnSetting() {
    MetadataSnapshot target = withNamespacePolicy(copyOfSource(), "deduplication", ON);

    PlanItem conflict = single(plan(LinkOptions.defaults(), PlanOptions.safe(), source(), target));
    assertThat(conflict.action()).isEqualTo(SyncAction.CONFLICT);
    assertThat(conflict.operation())
        .isEqualTo(new SyncOperation.RemoveNamespacePolicy("sales/orders", "deduplication"));
  }

  @Test
  void aDifferentTargetPolicyIsAConflictKeptUnlessOverwriteNamesIt() {
    MetadataSnapshot target = withNamespacePolicy(copyOfSource(), "retention", RETENTION_2H);

    PlanItem kept =
        single(plan(SALES, MappingConfig.identity(), PlanOptions.safe(), source(), target));
    assertThat(kept.action()).isEqualTo(SyncAction.CONFLICT);
    assertThat(kept.source()).isEqualTo(RETENTION_1H.json());
    assertThat(kept.target()).isEqualTo(RETENTION_2H.json());
    assertThat(kept.willApply()).isFalse();
    assertThat(kept.note()).contains("--overwrite sales/orders#policy:retention");

    for (String selector :
        List.of("all", "sales/orders", "policy:retention", "sales/orders#policy:retention")) {
      PlanItem overwritten =
          single(
              plan(
                  SALES,
                  MappingConfig.identity(),
                  PlanOptions.of(Set.of(selector), false),
                  source(),
                  target));
      assertThat(overwritten.willApply()).as(selector).isTrue();
      assertThat(overwritten.operation())
          .isEqualTo(
              new SyncOperation.SetNamespacePolicy("sales/orders", "retention", RETENTION_1H));
    }
    assertThat(
            single(
                    plan(
                        SALES,
                        MappingConfig.identity(),
                        PlanOptions.of(Set.of("sales/other"), false),
                        source(),
                        target))
                .willApply())
        .isFalse();
  }

  @Test
  void aPolicyMissingOnTheTargetIsAnUpdateAndOneOnlyOnTheTargetAConflict() {
    MetadataSnapshot target = withNamespacePolicy(copyOfSource(), "retention", null);
    PlanItem update =
        single(plan(SALES, MappingConfig.identity(), PlanOptions.safe(), source(), target));
    assertThat(update.action()).isEqualTo(SyncAction.UPDATE);
    assertThat(update.willApply()).isTrue();

    MetadataSnapshot extra =
        withNamespacePolicy(copyOfSource(), "messageTtlSeconds", PolicyValue.ofJson("30"));
    PlanItem conflict =
        single(
            plan(
                SALES,
                MappingConfig.identity(),
                PlanOptions.of(Set.of("all"), false),
                source(),
                extra));
    assertThat(conflict.action()).isEqualTo(SyncAction.CONFLICT);
    assertThat(conflict.source()).isEqualTo("(not set)");
    assertThat(conflict.operation())
        .isEqualTo(new SyncOperation.RemoveNamespacePolicy("sales/orders", "messageTtlSeconds"));
  }

  @Test
  void partitionsGrowButNeverShrinkAndNeverChangeShape() {
    PlanItem grow =
        single(
            plan(SALES, MappingConfig.identity(), PlanOptions.safe(), source(), withPartitions(2)));
    assertThat(grow.action()).isEqualTo(SyncAction.UPDATE);
    assertThat(grow.operation())
        .isEqualTo(new SyncOperation.GrowPartitions("persistent://sales/orders/events", 4));

    PlanItem shrink =
        single(
            plan(
                SALES,
                MappingConfig.identity(),
                PlanOptions.of(Set.of("all"), false),
                source(),
                withPartitions(8)));
    assertThat(shrink.action()).isEqualTo(SyncAction.CONFLICT);
    assertThat(shrink.willApply()).isFalse();
    assertThat(shrink.note()).contains("never shrink");

    PlanItem shape =
        single(
            plan(
                SALES,
                MappingConfig.identity(),
                PlanOptions.of(Set.of("all"), false),
                source(),
                withPartitions(0)));
    assertThat(shape.willApply()).isFalse();
    assertThat(shape.note()).contains("partitioned and non-partitioned");
  }

  @Test
  void schemasAppendNewVersionsAndADifferentHistoryIsAConflict() {
    PlanItem append =
        single(
            plan(
                SALES,
                MappingConfig.identity(),
                PlanOptions.safe(),
                source(),
                withSchemas(List.of(V1))));
    assertThat(append.action()).isEqualTo(SyncAction.UPDATE);
    assertThat(append.operation())
        .isEqualTo(new SyncOperation.AddSchemas("persistent://sales/orders/events", List.of(V2)));

    SchemaVersion other = new SchemaVersion("AVRO", "{\"v\":9}", Map.of());
    PlanItem conflict =
        single(
            plan(
                SALES,
                MappingConfig.identity(),
                PlanOptions.safe(),
                source(),
                withSchemas(List.of(other))));
    assertThat(conflict.action()).isEqualTo(SyncAction.CONFLICT);
    assertThat(conflict.operation())
        .isEqualTo(
            new SyncOperation.ReplaceSchemas("persistent://sales/orders/events", List.of(V1, V2)));
  }

  @Test
  void whatOnlyTheTargetHasIsReportedAndDeletedOnlyWithMirrorDeletes() {
    MetadataSnapshot copy = copyOfSource();
    MetadataSnapshot.Topic events = copy.topics().get("persistent://sales/orders/events");
    MetadataSnapshot target =
        withTopics(
            copy,
            new MetadataSnapshot.Topic(
                events.name(),
                events.partitions(),
                events.policies(),
                Map.of("bob", Set.of("consume"), "carol", Set.of("produce")),
                Set.of("billing", "old-sub", "georep-back-link"),
                events.schemas()),
            MetadataSnapshot.Topic.bare("persistent://sales/orders/gone", 0),
            MetadataSnapshot.Topic.bare("persistent://sales/orders/__change_events", 0));

    MetadataPlan reported =
        plan(SALES, MappingConfig.identity(), PlanOptions.safe(), source(), target);
    assertThat(reported.items())
        .extracting(i -> i.action() + " " + i.what() + " " + i.object() + " " + i.willApply())
        .containsExactly(
            "ONLY_ON_TARGET topic grant carol persistent://sales/orders/events false",
            "ONLY_ON_TARGET subscription old-sub persistent://sales/orders/events false",
            "ONLY_ON_TARGET topic persistent://sales/orders/gone false");

    MetadataPlan mirrored =
        plan(SALES, MappingConfig.identity(), PlanOptions.of(Set.of(), true), source(), target);
    assertThat(mirrored.toApply()).hasSize(3);
    assertThat(mirrored.items().get(2).operation())
        .isEqualTo(new SyncOperation.DeleteTopic("persistent://sales/orders/gone", false));
  }

  @Test
  void mappingRenamesEverythingAndScopePatternsNarrowTopics() {
    ScopeConfig scope =
        new ScopeConfig(
            false,
            List.of("sales/orders"),
            List.of(),
            List.of(),
            List.of(Pattern.compile("plain")));
    MappingConfig mapping =
        new MappingConfig(Map.of("sales/orders", "archive/orders-eu"), "eu-", "");
    MetadataSnapshot target =
        withTopics(
            MetadataSnapshot.empty(),
            MetadataSnapshot.Topic.bare("persistent://archive/orders-eu/eu-plain", 0));

    MetadataPlan plan = plan(scope, mapping, PlanOptions.safe(), source(), target);

    assertThat(plan.items())
        .extracting(i -> i.action() + " " + i.what() + " " + i.object())
        .contains(
            "CREATE tenant archive",
            "CREATE namespace archive/orders-eu",
            "CREATE topic persistent://archive/orders-eu/eu-events")
        .noneMatch(line -> line.contains("plain"));
  }

  @Test
  void anExistingTenantGainsTheTargetClusterAndKeepsDifferentAdminsUnlessOverwritten() {
    MetadataSnapshot copy = copyOfSource();
    MetadataSnapshot target =
        new MetadataSnapshot(
            Map.of("sales", new MetadataSnapshot.Tenant("sales", Set.of("ops"), Set.of("other"))),
            copy.namespaces(),
            copy.topics());
    MetadataPlan plan = plan(SALES, MappingConfig.identity(), PlanOptions.safe(), source(), target);
    assertThat(plan.items())
        .extracting(i -> i.action() + " " + i.what() + " " + i.willApply())
        .containsExactly("CONFLICT tenant admins false", "UPDATE tenant allowedClusters true");
    assertThat(plan.items().get(1).operation())
        .isEqualTo(
            new SyncOperation.UpdateTenant("sales", Set.of("ops"), Set.of("other", "west-pulsar")));
  }

  @Test
  void aTypedSelectorOverwritesAPolicyAndNotARoleOfTheSameName() {
    MetadataSnapshot.Namespace ns = source().namespaces().get("sales/orders");
    MetadataSnapshot source =
        withNamespace(
            source(),
            new MetadataSnapshot.Namespace(
                ns.name(),
                ns.policies(),
                Map.of("alice", Set.of("produce", "consume"), "retention", Set.of("consume"))));
    MetadataSnapshot target =
        withNamespace(
            copyOfSource(),
            new MetadataSnapshot.Namespace(
                ns.name(),
                Map.of("retention", RETENTION_2H),
                Map.of("alice", Set.of("produce", "consume"), "retention", Set.of("produce"))));

    MetadataPlan policyOnly =
        plan(
            SALES,
            MappingConfig.identity(),
            PlanOptions.of(Set.of("policy:retention"), false),
            source,
            target);
    assertThat(policyOnly.items())
        .extracting(i -> i.what() + " " + i.willApply() + " " + i.selector())
        .containsExactly(
            "policy retention true sales/orders#policy:retention",
            "grant retention false sales/orders#grant:retention");

    MetadataPlan grantOnly =
        plan(
            SALES,
            MappingConfig.identity(),
            PlanOptions.of(Set.of("sales/orders#grant:retention"), false),
            source,
            target);
    assertThat(grantOnly.items())
        .extracting(i -> i.what() + " " + i.willApply())
        .containsExactly("policy retention false", "grant retention true");
  }

  @Test
  void subscriptionPermissionsAreCreatedMadeExactOnOverwriteAndRevokedOnlyWhenMirrored() {
    MetadataSnapshot.Namespace ns = source().namespaces().get("sales/orders");
    MetadataSnapshot source =
        withNamespace(
            source(),
            new MetadataSnapshot.Namespace(
                ns.name(),
                ns.policies(),
                ns.permissions(),
                Map.of("billing", Set.of("alice", "bob"), "audit", Set.of("carol"))));
    MetadataSnapshot target =
        withNamespace(
            copyOfSource(),
            new MetadataSnapshot.Namespace(
                ns.name(),
                ns.policies(),
                ns.permissions(),
                Map.of(
                    "audit",
                    Set.of("carol", "mallory"),
                    "old",
                    Set.of("dave"),
                    "empty",
                    Set.of())));

    MetadataPlan plan =
        plan(
            SALES,
            MappingConfig.identity(),
            PlanOptions.of(Set.of("subscription-grant:audit"), true),
            source,
            target);

    assertThat(plan.items())
        .extracting(i -> i.action() + " " + i.what() + " " + i.source() + " " + i.target())
        .containsExactly(
            "CONFLICT subscription grant audit [carol] [carol, mallory]",
            "UPDATE subscription grant billing [alice, bob] -",
            "ONLY_ON_TARGET subscription grant old - [dave]");
    assertThat(plan.items())
        .extracting(PlanItem::operation)
        .containsExactly(
            new SyncOperation.GrantOnSubscription(
                "sales/orders", "audit", Set.of("carol"), Set.of("mallory")),
            new SyncOperation.GrantOnSubscription(
                "sales/orders", "billing", Set.of("alice", "bob"), Set.of()),
            new SyncOperation.RevokeOnSubscription("sales/orders", "old", Set.of("dave")));
    assertThat(plan.items()).allMatch(PlanItem::willApply);
  }

  @Test
  void namespacesMappedToOneTargetThatDifferAreAConflictAndTheirSubscriptionsAllCreated() {
    ScopeConfig scope =
        new ScopeConfig(
            false, List.of("sales/orders", "hr/people"), List.of(), List.of(), List.of());
    MappingConfig mapping =
        new MappingConfig(Map.of("sales/orders", "all/merged", "hr/people", "all/merged"), "", "");
    MetadataSnapshot base = source();
    MetadataSnapshot source =
        withTopics(
            base,
            new MetadataSnapshot.Topic(
                "persistent://hr/people/plain",
                0,
                Map.of(),
                Map.of(),
                Set.of("hr-readers"),
                List.of()));

    MetadataPlan plan = plan(scope, mapping, PlanOptions.of(Set.of("all"), false), source, empty());

    // hr/people sorts first: it decides; sales/orders differs in retention and alice's grant.
    assertThat(plan.items())
        .filteredOn(i -> i.kind() == ObjectKind.MAPPING)
        .extracting(i -> i.object() + " " + i.aspect() + " " + i.willApply())
        .containsExactly("all/merged sales/orders false");
    PlanItem merged =
        plan.items().stream().filter(i -> i.kind() == ObjectKind.MAPPING).findFirst().orElseThrow();
    assertThat(merged.action()).isEqualTo(SyncAction.CONFLICT);
    assertThat(merged.note())
        .contains("hr/people and sales/orders both map to all/merged")
        .contains("policy retention")
        .contains("grant alice");
    assertThat(plan.items())
        .extracting(i -> i.action() + " " + i.what() + " " + i.object())
        .contains(
            "CREATE subscription hr-readers persistent://all/merged/plain",
            "CREATE topic persistent://all/merged/plain")
        .doesNotContain("CREATE policy retention all/merged");
  }

  private static MetadataPlan plan(
      ScopeConfig scope,
      MappingConfig mapping,
      PlanOptions options,
      MetadataSnapshot source,
      MetadataSnapshot target) {
    return new MetadataPlanner(scope, mapping, "west-pulsar", options, Map.of())
        .plan("east-to-west", "east", "west", source, target);
  }

  /** Plans {@link #SALES} unmapped for a link with these options. */
  private static MetadataPlan plan(
      LinkOptions link, PlanOptions options, MetadataSnapshot source, MetadataSnapshot target) {
    return new MetadataPlanner(
            SALES,
            MappingConfig.identity(),
            "west-pulsar",
            options,
            MetadataPlanner.ownNamespacePolicies(link))
        .plan("east-to-west", "east", "west", source, target);
  }

  /** A link with {@code deduplication: enable}, otherwise the defaults. */
  private static LinkOptions deduplicating() {
    LinkOptions d = LinkOptions.defaults();
    return new LinkOptions(
        d.discoveryInterval(),
        d.inFlightMessages(),
        d.inFlightBytes(),
        d.partitionInFlightMessages(),
        d.partitionInFlightBytes(),
        d.messagesPerSecond(),
        d.bytesPerSecond(),
        true,
        d.createTargetTopics(),
        MetadataSyncMode.CONTINUOUS,
        d.subscriptionSyncInterval(),
        d.subscriptionSync(),
        d.metadataSyncInterval(),
        d.forwarding());
  }

  private static PlanItem single(MetadataPlan plan) {
    assertThat(plan.items()).hasSize(1);
    return plan.items().get(0);
  }

  /** Two namespaces (one out of scope), a partitioned topic with everything, a bare one. */
  private static MetadataSnapshot source() {
    return new MetadataSnapshot(
        Map.of(
            "sales",
                new MetadataSnapshot.Tenant("sales", Set.of("sales-admin"), Set.of("east-pulsar")),
            "hr", new MetadataSnapshot.Tenant("hr", Set.of(), Set.of("east-pulsar"))),
        Map.of(
            "sales/orders",
            new MetadataSnapshot.Namespace(
                "sales/orders",
                Map.of("retention", RETENTION_1H),
                Map.of("alice", Set.of("produce", "consume"))),
            "hr/people",
            new MetadataSnapshot.Namespace("hr/people", Map.of(), Map.of())),
        Map.of(
            "persistent://sales/orders/events",
            new MetadataSnapshot.Topic(
                "persistent://sales/orders/events",
                4,
                Map.of("messageTtlSeconds", PolicyValue.ofJson("3600")),
                Map.of("bob", Set.of("consume")),
                Set.of("billing", "georep-east-to-west"),
                List.of(V1, V2)),
            "persistent://sales/orders/plain",
            MetadataSnapshot.Topic.bare("persistent://sales/orders/plain", 0),
            "persistent://hr/people/staff",
            MetadataSnapshot.Topic.bare("persistent://hr/people/staff", 0)));
  }

  private static MetadataSnapshot empty() {
    return MetadataSnapshot.empty();
  }

  /** What a target that already received everything holds (its georep subscription aside). */
  private static MetadataSnapshot copyOfSource() {
    MetadataSnapshot source = source();
    MetadataSnapshot.Topic events = source.topics().get("persistent://sales/orders/events");
    return new MetadataSnapshot(
        Map.of(
            "sales",
            new MetadataSnapshot.Tenant("sales", Set.of("sales-admin"), Set.of("west-pulsar"))),
        Map.of("sales/orders", source.namespaces().get("sales/orders")),
        Map.of(
            events.name(),
            new MetadataSnapshot.Topic(
                events.name(),
                4,
                events.policies(),
                events.permissions(),
                Set.of("billing"),
                events.schemas()),
            "persistent://sales/orders/plain",
            source.topics().get("persistent://sales/orders/plain")));
  }

  private static MetadataSnapshot withNamespacePolicy(
      MetadataSnapshot snapshot, String policy, PolicyValue value) {
    MetadataSnapshot.Namespace ns = snapshot.namespaces().get("sales/orders");
    Map<String, PolicyValue> policies = new java.util.HashMap<>(ns.policies());
    if (value == null) {
      policies.remove(policy);
    } else {
      policies.put(policy, value);
    }
    return new MetadataSnapshot(
        snapshot.tenants(),
        Map.of(
            "sales/orders", new MetadataSnapshot.Namespace(ns.name(), policies, ns.permissions())),
        snapshot.topics());
  }

  private static MetadataSnapshot withNamespace(
      MetadataSnapshot snapshot, MetadataSnapshot.Namespace namespace) {
    Map<String, MetadataSnapshot.Namespace> all = new java.util.HashMap<>(snapshot.namespaces());
    all.put(namespace.name(), namespace);
    return new MetadataSnapshot(snapshot.tenants(), all, snapshot.topics());
  }

  private static MetadataSnapshot withPartitions(int partitions) {
    MetadataSnapshot copy = copyOfSource();
    MetadataSnapshot.Topic events = copy.topics().get("persistent://sales/orders/events");
    return withTopics(
        copy,
        new MetadataSnapshot.Topic(
            events.name(),
            partitions,
            events.policies(),
            events.permissions(),
            events.subscriptions(),
            events.schemas()));
  }

  private static MetadataSnapshot withSchemas(List<SchemaVersion> schemas) {
    MetadataSnapshot copy = copyOfSource();
    MetadataSnapshot.Topic events = copy.topics().get("persistent://sales/orders/events");
    return withTopics(
        copy,
        new MetadataSnapshot.Topic(
            events.name(),
            events.partitions(),
            events.policies(),
            events.permissions(),
            events.subscriptions(),
            schemas));
  }

  private static MetadataSnapshot withTopics(
      MetadataSnapshot snapshot, MetadataSnapshot.Topic... topics) {
    Map<String, MetadataSnapshot.Topic> all = new java.util.HashMap<>(snapshot.topics());
    for (MetadataSnapshot.Topic topic : topics) {
      all.put(topic.name(), topic);
    }
    return new MetadataSnapshot(snapshot.tenants(), snapshot.namespaces(), all);
  }
}
