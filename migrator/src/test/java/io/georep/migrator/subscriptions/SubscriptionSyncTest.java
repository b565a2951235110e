package io.georep.migrator.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.junit.jupiter.api.Test;

/** Whether a target topic exists: a listing that fails is no answer. */
class SubscriptionSyncTest {
  private static final String TOPIC = "persistent://sales/orders/events";

  @Test
  void aTopicExistsWhenEitherListingHasIt() throws Exception {
    assertThat(SubscriptionSync.targetExists(TOPIC, ns -> List.of(TOPIC), ns -> List.of()))
        .isTrue();
    assertThat(
            SubscriptionSync.targetExists(
                TOPIC, ns -> List.of(), ns -> List.of("persistent://sales/orders/audit", TOPIC)))
        .isTrue();
    assertThat(
            SubscriptionSync.targetExists(
                TOPIC,
                ns -> List.of(),
                ns -> {
                  assertThat(ns).isEqualTo("sales/orders");
                  return List.of(TOPIC + "-partition-0");
                }))
        .isFalse();
  }

  @Test
  void aTargetWithoutTheNamespaceHasNoSuchTopic() throws Exception {
    assertThat(
            SubscriptionSync.targetExists(
                TOPIC,
                ns -> {
                  throw new PulsarAdminException.NotFoundException(
                      null, "Namespace does not exist", 404);
                },
                ns -> List.of(TOPIC)))
        .isFalse();
  }

  @Test
  void aListingThatFailsOtherwiseFailsTheSyncNamingTheTopic() {
    PulsarAdminException refused =
        new PulsarAdminException.NotAuthorizedException(null, "Unauthorized", 401);

    assertThatThrownBy(
            () ->
                SubscriptionSync.targetExists(
                    TOPIC,
                    ns -> List.of(),
                    ns -> {
                      throw refused;
                    }))
        .isInstanceOf(PulsarAdminException.class)
        .hasCause(refused)
        .hasMessage(
            "cannot tell whether "
                + TOPIC
                + " exists on the target: listing the topics of namespace sales/orders failed"
                + " (Unauthorized); check that the target answers and that georep's role may"
                + " list them");
  }
}
