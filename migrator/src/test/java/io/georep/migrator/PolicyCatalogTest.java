package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.policies.data.BacklogQuota;
import org.apache.pulsar.common.policies.data.Policies;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.junit.jupiter.api.Test;

/** Every policy is either synced or listed as not synced, with a reason, here and in the docs. */
class PolicyCatalogTest {
  private static final Path DOCS = Path.of("..", "docs", "metadata-sync.md");

  @Test
  void everyNamespacePolicyFieldIsSyncedOrListedWithAReason() {
    List<String> fields =
        Arrays.stream(Policies.class.getFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))
            .map(Field::getName)
            .toList();
    assertThat(fields)
        .allMatch(
            f ->
                NamespacePolicy.policiesFieldsRead().contains(f)
                    || NamespacePolicy.NOT_SYNCED.containsKey(f),
            "read by NamespacePolicy or listed in NamespacePolicy.NOT_SYNCED");
    assertThat(NamespacePolicy.NOT_SYNCED.values()).allMatch(reason -> !reason.isBlank());
  }

  @Test
  void theDocsNameEveryPolicySyncedOrNot() throws IOException {
    String docs = Files.readString(DOCS);
    for (NamespacePolicy policy : NamespacePolicy.values()) {
      assertThat(docs).as(policy.name()).contains("`" + policy.policyName() + "`");
    }
    for (TopicPolicy policy : TopicPolicy.values()) {
      assertThat(docs).as(policy.name()).contains("`" + policy.policyName() + "`");
    }
    for (String field : NamespacePolicy.NOT_SYNCED.keySet()) {
      assertThat(docs).as(field).contains("`" + field + "`");
    }
    for (String policy : TopicPolicy.NOT_SYNCED.keySet()) {
      assertThat(docs).as(policy).contains("`" + policy + "`");
    }
  }

  @Test
  void policyValuesCompareByCanonicalJsonWhateverTheirOrder() {
    assertThat(PolicyJson.of(new RetentionPolicies(60, 100)).json())
        .isEqualTo("{\"retentionSizeInMB\":100,\"retentionTimeInMinutes\":60}");
    assertThat(PolicyJson.of(Set.of(SubscriptionType.Shared, SubscriptionType.Exclusive)))
        .isEqualTo(PolicyJson.of(Set.of(SubscriptionType.Exclusive, SubscriptionType.Shared)));
    BacklogQuota quota =
        BacklogQuota.builder()
            .limitSize(1024)
            .retentionPolicy(BacklogQuota.RetentionPolicy.producer_request_hold)
            .build();
    assertThat(
            PolicyJson.of(Map.of(BacklogQuota.BacklogQuotaType.destination_storage, quota)).json())
        .startsWith("{\"destination_storage\":{")
        .contains("\"policy\":\"producer_request_hold\"");
    assertThat(PolicyJson.of(null)).isNull();
  }

  @Test
  void aTokenNamesItsRoleAndIsNeverShown() {
    // {"sub":"georep-admin"} signed with nothing: only the payload matters here.
    String token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnZW9yZXAtYWRtaW4ifQ.c2lnbmF0dXJl";
    String role =
        ClusterCalls.describeRole(
            new io.georep.config.AuthConfig.Token(io.georep.config.Secret.of(token)));
    assertThat(role).isEqualTo("role 'georep-admin'");
    assertThat(ClusterCalls.tokenSubject("not-a-jwt")).isNull();
  }
}
