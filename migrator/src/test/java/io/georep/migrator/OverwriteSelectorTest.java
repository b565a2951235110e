package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.migrator.OverwriteSelector.AspectName;
import io.georep.migrator.OverwriteSelector.AspectType;
import io.georep.migrator.OverwriteSelector.ObjectAspect;
import io.georep.migrator.OverwriteSelector.ObjectName;
import org.junit.jupiter.api.Test;

class OverwriteSelectorTest {
  private static final PlanItem RETENTION_POLICY =
      conflict(ObjectKind.NAMESPACE_POLICY, "sales/orders", "retention");
  private static final PlanItem RETENTION_ROLE =
      conflict(ObjectKind.NAMESPACE_GRANT, "sales/orders", "retention");
  private static final PlanItem TOPIC_POLICY =
      conflict(ObjectKind.TOPIC_POLICY, "persistent://sales/orders/events", "retention");
  private static final PlanItem SUBSCRIPTION_ROLES =
      conflict(ObjectKind.SUBSCRIPTION_GRANT, "sales/orders", "retention");
  private static final PlanItem TENANT_ADMINS = conflict(ObjectKind.TENANT_ADMINS, "retention", "");

  @Test
  void everyFormParses() {
    assertThat(OverwriteSelector.parse("all")).isEqualTo(new OverwriteSelector.All());
    assertThat(OverwriteSelector.parse("sales/orders")).isEqualTo(new ObjectName("sales/orders"));
    assertThat(OverwriteSelector.parse("sales/orders/events"))
        .isEqualTo(new ObjectName("persistent://sales/orders/events"));
    assertThat(OverwriteSelector.parse("non-persistent://sales/orders/events"))
        .isEqualTo(new ObjectName("non-persistent://sales/orders/events"));
    assertThat(OverwriteSelector.parse("tenant:sales")).isEqualTo(new ObjectName("sales"));
    assertThat(OverwriteSelector.parse("policy:retention"))
        .isEqualTo(new AspectName(AspectType.POLICY, "retention"));
    assertThat(OverwriteSelector.parse("grant:CN=svc,O=acme"))
        .isEqualTo(new AspectName(AspectType.GRANT, "CN=svc,O=acme"));
    assertThat(OverwriteSelector.parse("subscription-grant:billing"))
        .isEqualTo(new AspectName(AspectType.SUBSCRIPTION_GRANT, "billing"));
    assertThat(OverwriteSelector.parse(" sales/orders#policy:retention "))
        .isEqualTo(
            new ObjectAspect(
                new ObjectName("sales/orders"), new AspectName(AspectType.POLICY, "retention")));
  }

  @Test
  void eachKindOfAspectMatchesOnlyItsKind() {
    OverwriteSelector policy = OverwriteSelector.parse("policy:retention");
    assertThat(policy.matches(RETENTION_POLICY)).isTrue();
    assertThat(policy.matches(TOPIC_POLICY)).isTrue();
    assertThat(policy.matches(RETENTION_ROLE)).isFalse();
    assertThat(policy.matches(SUBSCRIPTION_ROLES)).isFalse();
    assertThat(policy.matches(TENANT_ADMINS)).isFalse();

    OverwriteSelector grant = OverwriteSelector.parse("grant:retention");
    assertThat(grant.matches(RETENTION_ROLE)).isTrue();
    assertThat(grant.matches(RETENTION_POLICY)).isFalse();

    assertThat(OverwriteSelector.parse("subscription-grant:retention").matches(SUBSCRIPTION_ROLES))
        .isTrue();
    assertThat(OverwriteSelector.parse("tenant:retention").matches(TENANT_ADMINS)).isTrue();
    assertThat(OverwriteSelector.parse("tenant:retention").matches(RETENTION_POLICY)).isFalse();

    OverwriteSelector onNamespace = OverwriteSelector.parse("sales/orders#policy:retention");
    assertThat(onNamespace.matches(RETENTION_POLICY)).isTrue();
    assertThat(onNamespace.matches(TOPIC_POLICY)).isFalse();
    assertThat(onNamespace.matches(RETENTION_ROLE)).isFalse();

    OverwriteSelector namespace = OverwriteSelector.parse("sales/orders");
    assertThat(namespace.matches(RETENTION_POLICY)).isTrue();
    assertThat(namespace.matches(RETENTION_ROLE)).isTrue();
    assertThat(namespace.matches(TOPIC_POLICY)).isFalse();
  }

  @Test
  void aPlanItemsSelectorSelectsItAndNothingElse() {
    for (PlanItem item :
        new PlanItem[] {
          RETENTION_POLICY, RETENTION_ROLE, TOPIC_POLICY, SUBSCRIPTION_ROLES, TENANT_ADMINS
        }) {
      OverwriteSelector selector = OverwriteSelector.parse(item.selector());
      assertThat(selector.matches(item)).as(item.selector()).isTrue();
      for (PlanItem other :
          new PlanItem[] {
            RETENTION_POLICY, RETENTION_ROLE, TOPIC_POLICY, SUBSCRIPTION_ROLES, TENANT_ADMINS
          }) {
        if (other != item) {
          assertThat(selector.matches(other)).as(item.selector() + " vs " + other).isFalse();
        }
      }
    }
    assertThat(RETENTION_POLICY.selector()).isEqualTo("sales/orders#policy:retention");
    assertThat(TENANT_ADMINS.selector()).isEqualTo("tenant:retention");
  }

  @Test
  void aBareWordIsRefusedWithTheTypedFormsToUse() {
    assertThatThrownBy(() -> OverwriteSelector.parse("retention"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid --overwrite 'retention'")
        .hasMessageContaining("a policy, a role or a tenant")
        .hasMessageContaining("policy:retention");
    assertThatThrownBy(() -> OverwriteSelector.parse("alice"))
        .hasMessageContaining("grant:alice")
        .hasMessageContaining("tenant:sales");
    assertThatThrownBy(() -> OverwriteSelector.parse("sales/orders#retention"))
        .hasMessageContaining("sales/orders#policy:retention or sales/orders#grant:retention");
    assertThatThrownBy(() -> OverwriteSelector.parse("policy:retension"))
        .hasMessageContaining("no policy is named 'retension'")
        .hasMessageContaining("retention");
    assertThatThrownBy(() -> OverwriteSelector.parse("tenant:sales#policy:retention"))
        .hasMessageContaining("a tenant has no policies");
    assertThatThrownBy(() -> OverwriteSelector.parse("kafka://a/b/c"))
        .hasMessageContaining("persistent://tenant/namespace/topic");
  }

  private static PlanItem conflict(ObjectKind kind, String object, String aspect) {
    return new PlanItem(
        SyncAction.CONFLICT,
        kind,
        object,
        aspect,
        "a",
        "b",
        new SyncOperation.Impossible("test"),
        false,
        "");
  }
}
