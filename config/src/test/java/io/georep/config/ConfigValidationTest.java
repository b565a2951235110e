package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every mistake in a file is reported at once, with its path, line and what would be valid. */
class ConfigValidationTest {

  private static final String TWO_CLUSTERS =
      """
      clusters:
        east: { serviceUrl: "pulsar://east:6650", adminUrl: "http://east:8080" }
        west: { serviceUrl: "pulsar://west:6650", adminUrl: "http://west:8080" }
      """;

  static List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  static List<String> problems(String yaml, Map<String, String> environment) {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml", environment));
    assertThat(e).as("expected the configuration to be invalid").isNotNull();
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void reportsEveryMistakeWithPathAndLine() {
    String yaml =
        """
        clusters:
          east:
            serviceUrl: http://east.example:6650
            adminUrl: http://east.example:8080
            auth: { token: "${EAST_TOKEN}" }
          west:
            servceUrl: pulsar://west.example:6650
            adminUrl: ftp://west.example
        http: { listen: "9464" }
        links:
          - name: a
            source: east
            target: wst
            scope: { namespaces: [sales], include: ["orders-("] }
            discoveryInterval: 10
            limits: { inFlightMessages: -1, bytesPerSecond: 64MB }
          - name: a
            source: west
            target: west
            scope: { cluster: true, topics: [t/ns/x] }
            startAt: yesterday
        """;

    assertThat(problems(yaml))
        .containsExactly(
            "clusters.east.serviceUrl (line 3): must start with pulsar:// or pulsar+ssl://,"
                + " found 'http://east.example:6650'",
            "clusters.east.auth.token (line 5): environment variable EAST_TOKEN is not set",
            "clusters.west.servceUrl (line 7): unknown key; did you mean 'serviceUrl'?",
            "clusters.west.serviceUrl (line 7): missing required key",
            "clusters.west.adminUrl (line 8): must start with http:// or https://,"
                + " found 'ftp://west.example'",
            "http.listen (line 9): invalid address '9464': write host:port, e.g. 127.0.0.1:9464",
            "links[0].target (line 13): unknown cluster 'wst' (known: east, west)",
            "links[0].scope.namespaces[0] (line 14): must be tenant/namespace, found 'sales'",
            "links[0].scope.include[0] (line 14): invalid regular expression 'orders-(':"
                + " Unclosed group near index 8",
            "links[0].discoveryInterval (line 15): invalid duration '10': use a whole number and"
                + " a unit: ms, s, m, h or d (e.g. 500ms, 10s, 5m, 1h)",
            "links[0].limits.inFlightMessages (line 16): must be between 1 and 2147483647,"
                + " found '-1'",
            "links[0].limits.bytesPerSecond (line 16): invalid size '64MB': use binary units:"
                + " KiB, MiB, GiB or TiB (1 KiB = 1024 bytes)",
            "links[1].name (line 17): duplicate link name 'a' (also links[0])",
            "links[1].target (line 19): must differ from source 'west'",
            "links[1].scope (line 20): choose only one of cluster, namespaces or topics,"
                + " found cluster, topics",
            "links[1].startAt (line 21): invalid startAt 'yesterday': use earliest, latest or an"
                + " ISO-8601 instant such as 2026-11-25T00:00:00Z");
  }

  @Test
  void exceptionMessageListsEveryProblemOnItsOwnLine() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.parse(TWO_CLUSTERS + "links: []\nstate: []\n", "g.yaml", Map.of()));

    assertThat(e.getMessage())
        .isEqualTo(
            """
            invalid configuration g.yaml (2 problems):
              links (line 4): at least one link is required
              state (line 5): expected a mapping, found a list""");
  }

  @Test
  void yamlSyntaxErrorIsOneProblemWithItsLine() {
    assertThat(problems("clusters:\n  east: { serviceUrl: x\nlinks: []\n"))
        .containsExactly(
            "line 3: invalid YAML: while parsing a flow mapping, expected ',' or '}', but got :");
    assertThat(problems("clusters:\n\teast: {}\n"))
        .singleElement()
        .asString()
        .startsWith("line 2: invalid YAML: ");
  }

  @Test
  void emptyConfigurations() {
    assertThat(problems(""))
        .containsExactly("the configuration is empty; it needs clusters and links");
    assertThat(problems("# only a comment\n"))
        .containsExactly("the configuration is empty; it needs clusters and links");
    assertThat(problems("state: { dir: /tmp/x }\n"))
        .containsExactly(
            "clusters: at least one cluster is required", "links: at least one link is required");
    assertThat(problems("clusters: {}\nlinks:\n"))
        .containsExactly(
            "links: at least one link is required",
            "clusters (line 1): at least one cluster is required");
  }

  @Test
  void aConfigWithoutLinksIsInvalid() {
    assertThat(problems(TWO_CLUSTERS)).containsExactly("links: at least one link is required");
  }

  @Test
  void wrongTypes() {
    assertThat(problems("- clusters\n"))
        .containsExactly("line 1: expected a mapping, found a list");
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    links:
                      name: a
                    """))
        .containsExactly("links (line 5): expected a list, found a mapping");
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    links:
                      - name: [a]
                        source: east
                        target: { name: west }
                        scope: { namespaces: sales/orders }
                        createTargetTopics: yes
                    """))
        .containsExactly(
            "links[0].name (line 5): expected a single value, found a list",
            "links[0].target (line 7): expected a single value, found a mapping",
            "links[0].scope.namespaces (line 8): expected a list, found a single value",
            "links[0].createTargetTopics (line 9): must be true or false, found 'yes'");
  }

  @Test
  void unknownKeysGetASuggestionOrTheValidKeys() {
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    link:
                      - name: a
                    """))
        .containsExactly(
            "links: at least one link is required",
            "link (line 4): unknown key; did you mean 'links'?");
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    links:
                      - name: a
                        source: east
                        target: west
                        scope: { cluster: true }
                        retention: 1h
                        start-at: latest
                    """))
        .containsExactly(
            "links[0].retention (line 9): unknown key (valid keys: name, source, target, scope,"
                + " mapping, startAt, deduplication, createTargetTopics, metadataSync,"
                + " metadataSyncInterval, discoveryInterval, subscriptionSync, forwarding, limits)",
            "links[0].start-at (line 10): unknown key; did you mean 'startAt'?");
  }

  @Test
  void missingRequiredKeysAndValues() {
    assertThat(
            problems(
                """
                clusters:
                  east: { adminUrl: "http://east:8080" }
                  west:
                    serviceUrl:
                    adminUrl: http://west:8080
                links:
                  - name: a
                    source: east
                """))
        .containsExactly(
            "clusters.east.serviceUrl (line 2): missing required key",
            "clusters.west.serviceUrl (line 4): missing value",
            "links[0].target (line 7): missing required key",
            "links[0].scope (line 7): missing required key");
  }

  @Test
  void duplicateKeys() {
    assertThat(
            problems(
                """
                clusters:
                  east: { serviceUrl: "pulsar://east:6650", adminUrl: "http://east:8080" }
                  east: { serviceUrl: "pulsar://east:6650", adminUrl: "http://east:8080" }
                links:
                  - { name: a, source: east, target: east, scope: { cluster: true }, name: b }
                """))
        .containsExactly(
            "clusters.east (line 3): duplicate key (first at line 2)",
            "links[0].name (line 5): duplicate key (first at line 5)",
            "links[0].target (line 5): must differ from source 'east'");
  }

  @Test
  void unknownSourceWhenThereAreNoClusters() {
    assertThat(
            problems(
                """
                clusters: {}
                links:
                  - { name: a, source: east, target: west, scope: { cluster: true } }
                """))
        .containsExactly(
            "clusters (line 1): at least one cluster is required",
            "links[0].source (line 3): unknown cluster 'east' (no clusters are defined)",
            "links[0].target (line 3): unknown cluster 'west' (no clusters are defined)");
  }

  @Test
  void clusterChecks() {
    assertThat(
            problems(
                """
                clusters:
                  "east coast":
                    serviceUrl: pulsar://
                    adminUrl: https://east admin:8443
                    auth: { token: abc, tls: { certFile: /c, keyFile: /k } }
                    tls: { hostnameVerification: maybe }
                  west:
                    serviceUrl: pulsar://west:6650
                    adminUrl: http://west:8080
                    auth: {}
                links:
                  - { name: a, source: west, target: "east coast", scope: { cluster: true } }
                """))
        .containsExactly(
            "clusters.east coast (line 3): a cluster name must start with a letter or digit and"
                + " contain only letters, digits, '.', '_' and '-'",
            "clusters.east coast.serviceUrl (line 3): must be a URL like"
                + " pulsar://east.example:6650, found 'pulsar://'",
            "clusters.east coast.adminUrl (line 4): must be a URL like http://east.example:8080,"
                + " found 'https://east admin:8443'",
            "clusters.east coast.auth (line 5): choose only one of token, oauth2 or tls, found"
                + " token, tls",
            "clusters.east coast.tls.hostnameVerification (line 6): must be true or false, found"
                + " 'maybe'",
            "clusters.west.auth (line 10): choose one of token, oauth2 or tls, or leave auth out");
  }

  @Test
  void httpChecks() {
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    http:
                      listen: 0.0.0.0:9464
                      tokenFile: /no/such/georep.tokens
                      tls: { certFile: /no/such/cert.pem }
                    links: [ { name: a, source: east, target: west, scope: { cluster: true } } ]
                    """))
        .containsExactly(
            "http.tokenFile (line 6): cannot read /no/such/georep.tokens: no such file",
            "http.tls.certFile (line 7): cannot read /no/such/cert.pem: no such file",
            "http.tls.keyFile (line 7): missing required key");
  }

  @Test
  void scopeChecks() {
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    links:
                      - name: a
                        source: east
                        target: west
                        scope: { cluster: false, include: [".*"] }
                      - name: b
                        source: east
                        target: west
                        scope:
                          topics: ["non-persistent://t/ns/x", "t/x", "persistent://t/ns/ok"]
                          exclude: ["[a-"]
                      - name: c
                        source: east
                        target: west
                        scope: { namespaces: [] }
                    """))
        .containsExactly(
            "links[0].scope (line 8): choose what to replicate: cluster: true,"
                + " namespaces: [tenant/namespace, ...] or topics: [...]",
            "links[1].scope.topics[0] (line 13): invalid topic name 'non-persistent://t/ns/x':"
                + " only persistent topics can be replicated",
            "links[1].scope.topics[1] (line 13): invalid topic name 't/x':"
                + " write persistent://tenant/namespace/topic",
            "links[1].scope.exclude[0] (line 14): invalid regular expression '[a-':"
                + " Illegal character range near index 3",
            "links[2].scope.namespaces (line 18): must list at least one namespace");
  }

  @Test
  void mappingChecks() {
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    links:
                      - name: a
                        source: east
                        target: west
                        scope: { namespaces: [sales/orders] }
                        mapping:
                          namespaces: { "sales/order": "x/y", "sales/orders": "archive", bad: "x/y" }
                          topicPrefix: "a/"
                    """))
        .containsExactly(
            "links[0].mapping.namespaces.sales/order (line 10): namespace 'sales/order' is not in"
                + " the scope of this link",
            "links[0].mapping.namespaces.sales/orders (line 10): must be tenant/namespace, found"
                + " 'archive'",
            "links[0].mapping.namespaces.bad (line 10): the key must be tenant/namespace, found"
                + " 'bad'",
            "links[0].mapping.topicPrefix (line 11): must not contain '/', found 'a/'");
  }

  @Test
  void optionChecks() {
    assertThat(
            problems(
                TWO_CLUSTERS
                    + """
                    links:
                      - name: "a b"
                        source: east
                        target: west
                        scope: { cluster: true }
                        deduplication: on
                        metadataSync: always
                        metadataSyncInterval: 0s
                        subscriptionSync: { interval: 0s, enabled: yes please }
                        limits: { inFlightBytes: 0, messagesPerSecond: -5, bytesPerSecond: -1KiB }
                    """))
        .containsExactly(
            "links[0].name (line 5): a link name must start with a letter or digit and contain"
                + " only letters, digits, '.', '_' and '-', found 'a b'",
            "links[0].deduplication (line 9): must be one of enable, leave, found 'on'",
            "links[0].metadataSync (line 10): must be one of off, once, continuous, found"
                + " 'always'",
            "links[0].metadataSyncInterval (line 11): must be positive, found '0s'",
            "links[0].subscriptionSync.interval (line 12): must be positive, found '0s'",
            "links[0].subscriptionSync.enabled (line 12): must be true or false, found 'yes please'",
            "links[0].limits.inFlightBytes (line 13): must be between 1 and 9223372036854775807,"
                + " found '0'",
            "links[0].limits.messagesPerSecond (line 13): must not be negative (0 means"
                + " unlimited), found '-5'",
            "links[0].limits.bytesPerSecond (line 13): must not be negative (0 means unlimited),"
                + " found '-1KiB'");
  }

  @Test
  void httpListenChecks() {
    assertThat(problems(TWO_CLUSTERS + "http: { listen: \"::1:9464\" }\n"))
        .contains(
            "http.listen (line 4): invalid address '::1:9464': write an IPv6 address in"
                + " brackets, e.g. [::1]:9464");
    assertThat(problems(TWO_CLUSTERS + "http: { listen: \"localhost:70000\" }\n"))
        .contains(
            "http.listen (line 4): invalid address 'localhost:70000': the port must be between 0"
                + " and 65535");
    assertThat(problems(TWO_CLUSTERS + "http: { listen: \":9464\" }\n"))
        .contains(
            "http.listen (line 4): invalid address ':9464': write host:port, e.g. 127.0.0.1:9464"
                + " (0.0.0.0 listens on every interface)");
  }

  @Test
  void theStateSyncIntervalIsReadAndMustBePositive() throws Exception {
    String links =
        links("east west { namespaces: [sales/orders] }").substring(THREE_CLUSTERS.length());
    GeorepConfig config =
        ConfigLoader.parse(
            THREE_CLUSTERS + "state: { dir: /tmp/s, syncInterval: 250ms }\n" + links,
            "t",
            Map.of());
    assertThat(config.state().syncInterval()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(ConfigLoader.parse(THREE_CLUSTERS + links, "t", Map.of()).state().syncInterval())
        .isEqualTo(StateConfig.DEFAULT_SYNC_INTERVAL);

    assertThat(problems(THREE_CLUSTERS + "state: { dir: /tmp/s, syncInterval: 0s }\n" + links))
        .singleElement()
        .asString()
        .contains("state.syncInterval")
        .contains("must be positive");
  }

  @Test
  void theReceiveQueueBudgetIsAPositiveSizeForTheWholeDaemon() throws Exception {
    String links =
        links("east west { namespaces: [sales/orders] }").substring(THREE_CLUSTERS.length());
    assertThat(
            ConfigLoader.parse(
                    THREE_CLUSTERS + "limits: { receiveQueueBytes: 64MiB }\n" + links,
                    "t",
                    Map.of())
                .limits()
                .receiveQueueBytes())
        .isEqualTo(64L * 1024 * 1024);
    assertThat(problems(THREE_CLUSTERS + "limits: { receiveQueueBytes: 0 }\n" + links))
        .singleElement()
        .asString()
        .contains("limits.receiveQueueBytes")
        .contains("must be positive");
    assertThat(problems(THREE_CLUSTERS + "limits: { receiveQueueBytes: 8MB }\n" + links))
        .singleElement()
        .asString()
        .contains("limits.receiveQueueBytes")
        .contains("binary units");
    assertThat(problems(THREE_CLUSTERS + "limits: { inFlightBytes: 8MiB }\n" + links))
        .singleElement()
        .asString()
        .contains("limits.inFlightBytes");
  }

  private static final String THREE_CLUSTERS =
      TWO_CLUSTERS
          + "  north: { serviceUrl: \"pulsar://north:6650\", adminUrl: \"http://north:8080\" }\n";

  private static String links(String... scopes) {
    StringBuilder yaml = new StringBuilder(THREE_CLUSTERS).append("links:\n");
    for (int i = 0; i < scopes.length; i++) {
      String[] parts = scopes[i].split(" ", 3);
      yaml.append("  - name: l")
          .append(i)
          .append("\n    source: ")
          .append(parts[0])
          .append("\n    target: ")
          .append(parts[1])
          .append("\n    scope: ")
          .append(parts[2])
          .append("\n");
    }
    return yaml.toString();
  }

  private static void assertValid(String yaml) {
    assertThat(catchThrowableOfType(Exception.class, () -> ConfigLoader.parse(yaml, "t", Map.of())))
        .isNull();
  }

  @Test
  void overlappingLinksNameBothScopesAndWhatToDo() {
    assertThat(
            problems(
                links(
                    "east west { namespaces: [sales/orders] }",
                    "east north { namespaces: [sales/orders] }",
                    "east west { namespaces: [sales/billing, sales/orders], include: [\"x-.*\"] }")))
        .containsExactly(
            "links[2].scope (line 17): overlaps links[0].scope (line 9): both carry namespace"
                + " sales/orders from east to west, and each topic needs exactly one link; merge"
                + " the two links into one, or split their scopes so that no topic is in both"
                + " (include and exclude patterns are not taken to keep namespaces apart; list"
                + " topics to rely on them)");
  }

  @Test
  void higherLevelsHoldTheLowerOnes() {
    assertThat(problems(links("east west { cluster: true }", "east west { topics: [a/b/c] }")))
        .containsExactly(
            "links[1].scope (line 13): overlaps links[0].scope (line 9): both carry topic"
                + " persistent://a/b/c from east to west, and each topic needs exactly one link;"
                + " merge the two links into one, or split their scopes so that no topic is in"
                + " both");
    assertThat(problems(links("east west { cluster: true }", "east west { cluster: true }")))
        .singleElement()
        .asString()
        .contains("both carry every topic of the cluster from east to west");
    assertThat(
            problems(
                links(
                    "east west { topics: [a/b/c, a/x/y] }",
                    "east west { namespaces: [a/x, a/z] }")))
        .singleElement()
        .asString()
        .startsWith(
            "links[1].scope (line 13): overlaps links[0].scope (line 9): both carry topic"
                + " persistent://a/x/y from east to west");
    assertThat(
            problems(
                links(
                    "east west { topics: [a/b/c] }", "east west { topics: [a/b/c-partition-1] }")))
        .singleElement()
        .asString()
        .contains("both carry topic persistent://a/b/c-partition-1 from east to west");
  }

  @Test
  void linksThatCannotCarryOneTopicTwiceAreValid() {
    // Regions merged into one archive, one source fanned out, disjoint namespaces and topics.
    assertValid(
        links(
            "east north { namespaces: [sales/orders] }",
            "west north { namespaces: [sales/orders] }",
            "east west { namespaces: [sales/orders] }",
            "west east { cluster: true }",
            "north east { namespaces: [a/b] }",
            "north east { namespaces: [a/c] }",
            "north east { topics: [a/d/x, a/d/y-partition-0] }",
            "north east { topics: [a/d/y-partition-1, a/e/x] }"));
    // Between lists of topics, patterns decide: here no topic passes both.
    assertValid(
        links(
            "east west { topics: [a/b/orders, a/b/tmp], exclude: [tmp] }",
            "east west { topics: [a/b/tmp, a/b/c], exclude: [orders] }"));
  }

  @Test
  void patternsThatBacktrackCatastrophicallyAreRefused() {
    assertThat(
            problems(
                links(
                    "east west { cluster: true, include: [\"orders-.*\", \"(a+)+\"],"
                        + " exclude: [\"(tmp|t.*)*\"] }")))
        .containsExactly(
            "links[0].scope.include[1] (line 9): invalid regular expression '(a+)+':"
                + " catastrophic backtracking: the repeated group (a+)+ holds a repetition"
                + " itself (nested quantifiers), so a name that almost matches takes exponential"
                + " time; repeat once (a+ rather than (a+)+), or make the outer repetition"
                + " possessive (*+, ++)",
            "links[0].scope.exclude[0] (line 9): invalid regular expression '(tmp|t.*)*':"
                + " catastrophic backtracking: the repeated group (tmp|t.*)* holds a repetition"
                + " itself (nested quantifiers), so a name that almost matches takes exponential"
                + " time; repeat once (a+ rather than (a+)+), or make the outer repetition"
                + " possessive (*+, ++)");
  }
}
