package io.georep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PulsarClusterSpecTest {

  @Test
  void namesMustBeUsableAsClusterAndDirectoryNames() {
    assertThat(PulsarClusterSpec.builder("east-1_a").build().name()).isEqualTo("east-1_a");
    for (String bad : List.of("", "-east", "east/west", "east west", "../east")) {
      assertThatThrownBy(() -> PulsarClusterSpec.builder(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void settingsThatWouldBreakTheConfigurationFileAreRefused() {
    PulsarClusterSpec.Builder builder = PulsarClusterSpec.builder("east");
    assertThatThrownBy(() -> builder.brokerSetting("a=b", "c"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.brokerSetting("a", "b\nc=d"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void brokerSettingsFollowTheSpecAndTheUsersSettingsWin() {
    PulsarClusterSpec spec =
        PulsarClusterSpec.builder("east")
            .deduplication(true)
            .brokerEntryMetadata(true)
            .brokerSetting("brokerShutdownTimeoutMs", "1000")
            .brokerSetting("maxMessageSize", "1048576")
            .build();

    Map<String, String> settings =
        BrokerSettings.of(
            spec,
            Map.of("bindAddress", "127.0.0.1"),
            Map.of("authenticationEnabled", "true"),
            Map.of());

    assertThat(settings)
        .containsEntry("clusterName", "east")
        .containsEntry("bindAddress", "127.0.0.1")
        .containsEntry("brokerDeduplicationEnabled", "true")
        .containsEntry(
            "brokerEntryMetadataInterceptors", BrokerSettings.ENTRY_METADATA_INTERCEPTORS)
        .containsEntry("exposingBrokerEntryMetadataToClientEnabled", "true")
        .containsEntry("brokerShutdownTimeoutMs", "1000")
        .doesNotContainKey("authenticationEnabled");
    assertThat(List.copyOf(settings.keySet())).endsWith("maxMessageSize");
  }

  @Test
  void tokenAuthMakesTheBrokerClientsSuperUsers() {
    Map<String, String> settings = BrokerSettings.tokenAuth("file:///tmp/secret.key", "the-token");

    assertThat(settings)
        .containsEntry("tokenSecretKey", "file:///tmp/secret.key")
        .containsEntry("superUserRoles", TokenSigner.SUPER_USER_ROLE)
        .containsEntry("brokerClientAuthenticationParameters", "token:the-token");
  }
}
