package io.georep.it;

import static io.georep.it.GeorepYaml.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.TopicState;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.schema.SchemaDefinition;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics with schemas: the target's registry gets each schema before the data, every version in the
 * order the source used them, and consumers with typed schemas read the records on the target. A
 * target topic whose schema cannot accept the source's is an error of that topic alone.
 */
class SchemaReplicationIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  private static final String NS = "persistent://typed/data/";

  private static final String ORDER_V1 =
      "{\"type\":\"record\",\"name\":\"SchemaOrder\",\"namespace\":\"io.georep.it\",\"fields\":["
          + "{\"name\":\"id\",\"type\":[\"null\",\"string\"],\"default\":null},"
          + "{\"name\":\"amount\",\"type\":\"long\",\"default\":0}]}";
  private static final String ORDER_V2 =
      ORDER_V1.replace(
          "]}", ",{\"name\":\"currency\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

  @TempDir Path dir;

  private static Schema<SchemaOrder> avro(String definition) {
    return Schema.AVRO(
        SchemaDefinition.<SchemaOrder>builder()
            .withJsonDef(definition)
            .withClassLoader(SchemaOrder.class.getClassLoader())
            .withSupportSchemaVersioning(true)
            .build());
  }

  @Test
  void avroJsonProtobufAndPrimitiveTopicsArriveReadableByTypedConsumers() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    east.createNamespaces("typed/data");
    west.createNamespaces("typed/data");
    // Protobuf: a registry entry of that type; the bytes are opaque to georep as to the broker.
    SchemaInfo protobuf =
        SchemaInfo.builder()
            .name("proto")
            .type(SchemaType.PROTOBUF)
            .schema(ORDER_V1.getBytes(StandardCharsets.UTF_8))
            .properties(Map.of("__alwaysAllowNull", "true"))
            .build();

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin()) {
      try (Producer<SchemaOrder> v1 =
              eastClient.newProducer(avro(ORDER_V1)).topic(NS + "avro").create();
          Producer<SchemaOrder> v2 =
              eastClient.newProducer(avro(ORDER_V2)).topic(NS + "avro").create();
          Producer<SchemaOrder> json =
              eastClient.newProducer(Schema.JSON(SchemaOrder.class)).topic(NS + "json").create();
          Producer<String> text =
              eastClient.newProducer(Schema.STRING).topic(NS + "string").create();
          Producer<Long> number =
              eastClient.newProducer(Schema.INT64).topic(NS + "int64").create();
          Producer<byte[]> proto =
              eastClient.newProducer(new RawSchema(protobuf)).topic(NS + "protobuf").create()) {
        for (int i = 0; i < 50; i++) {
          v1.send(new SchemaOrder("v1-" + i, i, null));
          json.send(new SchemaOrder("json-" + i, i, "EUR"));
          text.send("text-" + i);
          number.send(1000L + i);
          proto.send(("proto-" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 50; i++) {
          v2.send(new SchemaOrder("v2-" + i, i, "USD"));
        }
      }

      GeorepConfig config = config(east, west, "{ namespaces: [typed/data] }");
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await("the avro topic's two versions on the target")
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> westAdmin.schemas().getAllSchemas(NS + "avro").size() == 2);
        List<SchemaInfo> avroVersions = westAdmin.schemas().getAllSchemas(NS + "avro");
        assertThat(avroVersions)
            .extracting(SchemaInfo::getSchemaDefinition)
            .containsExactly(
                westSchemaOf(avro(ORDER_V1)).getSchemaDefinition(),
                westSchemaOf(avro(ORDER_V2)).getSchemaDefinition());

        // One reader schema (v2) reads both versions: each message names its target version.
        List<SchemaOrder> orders = readAll(westClient, avro(ORDER_V2), NS + "avro", 100);
        assertThat(orders.subList(0, 50))
            .allSatisfy(o -> assertThat(o.currency).isNull())
            .extracting(o -> o.id)
            .containsExactlyElementsOf(ids("v1-", 50));
        assertThat(orders.subList(50, 100))
            .allSatisfy(o -> assertThat(o.currency).isEqualTo("USD"))
            .extracting(o -> o.id)
            .containsExactlyElementsOf(ids("v2-", 50));

        awaitSchema(westAdmin, NS + "json", SchemaType.JSON);
        List<SchemaOrder> jsonOrders =
            readAll(westClient, Schema.JSON(SchemaOrder.class), NS + "json", 50);
        assertThat(jsonOrders).extracting(o -> o.id).containsExactlyElementsOf(ids("json-", 50));
        assertThat(jsonOrders).extracting(o -> o.currency).containsOnly("EUR");
        assertThat(jsonOrders.get(49).amount).isEqualTo(49);
        awaitSchema(westAdmin, NS + "string", SchemaType.STRING);
        assertThat(readAll(westClient, Schema.STRING, NS + "string", 50))
            .containsExactlyElementsOf(ids("text-", 50));
        awaitSchema(westAdmin, NS + "int64", SchemaType.INT64);
        assertThat(readAll(westClient, Schema.INT64, NS + "int64", 50))
            .containsExactlyElementsOf(
                java.util.stream.LongStream.range(1000, 1050).boxed().toList());
        awaitSchema(westAdmin, NS + "protobuf", SchemaType.PROTOBUF);
        assertThat(westAdmin.schemas().getSchemaInfo(NS + "protobuf").getSchema())
            .isEqualTo(protobuf.getSchema());
        assertThat(Topics.readAll(westClient, NS + "protobuf"))
            .extracting(m -> new String(m.getData(), StandardCharsets.UTF_8))
            .containsExactlyElementsOf(ids("proto-", 50));
      }
    }
  }

  @Test
  void anIncompatibleTargetSchemaIsThatTopicsErrorAndTheOthersFlow() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    east.createNamespaces("typed/conflict");
    west.createNamespaces("typed/conflict");
    String conflicting = "persistent://typed/conflict/amounts";
    String fine = "persistent://typed/conflict/notes";
    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      // The target already holds numbers under this name; the source sends text.
      try (Producer<Long> existing =
          westClient.newProducer(Schema.INT64).topic(conflicting).create()) {
        existing.send(1L);
      }
      try (Producer<String> a = eastClient.newProducer(Schema.STRING).topic(conflicting).create();
          Producer<String> b = eastClient.newProducer(Schema.STRING).topic(fine).create()) {
        for (int i = 0; i < 20; i++) {
          a.send("amount-" + i);
          b.send("note-" + i);
        }
      }
      GeorepConfig config = config(east, west, "{ namespaces: [typed/conflict] }");
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        DaemonStatus.TopicStatus status =
            await("the conflicting topic in error")
                .atMost(Duration.ofSeconds(60))
                .until(() -> topic(runner, conflicting), t -> t != null && t.lastError() != null);
        assertThat(status.lastError()).startsWith("schema: ").contains("IncompatibleSchema");
        // A typed consumer may only join once georep registered the schema.
        try (PulsarAdmin westAdmin = west.newAdmin()) {
          awaitSchema(westAdmin, fine, SchemaType.STRING);
        }
        assertThat(readAll(westClient, Schema.STRING, fine, 20))
            .containsExactlyElementsOf(ids("note-", 20));
        assertThat(topic(runner, fine).state()).isEqualTo(TopicState.RUNNING);
        // Nothing of the source's text reached the numbers topic.
        assertThat(Topics.readAll(westClient, conflicting)).hasSize(1);
      }
    }
  }

  private static DaemonStatus.TopicStatus topic(DaemonRunner runner, String source) {
    return runner.status().links().get(0).topics().stream()
        .filter(t -> t.sourceTopic().equals(source))
        .findFirst()
        .orElse(null);
  }

  private static SchemaInfo westSchemaOf(Schema<?> schema) {
    return schema.getSchemaInfo();
  }

  private static void awaitSchema(PulsarAdmin admin, String topic, SchemaType type) {
    await(type + " schema on " + topic)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> admin.schemas().getSchemaInfo(topic).getType() == type);
  }

  private static List<String> ids(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  /** Waits until {@code count} records arrived (the topic exists and has its schema by now). */
  private static <T> List<T> readAll(PulsarClient client, Schema<T> schema, String topic, int count)
      throws Exception {
    List<T> values = new ArrayList<>();
    try (Consumer<T> consumer =
        client
            .newConsumer(schema)
            .topic(topic)
            .subscriptionName("typed-reader")
            .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
            .subscribe()) {
      await("" + count + " records on " + topic)
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                Message<T> m = consumer.receive(1, TimeUnit.SECONDS);
                if (m != null) {
                  values.add(m.getValue());
                  consumer.acknowledge(m);
                }
                return values.size() >= count;
              });
    }
    return values;
  }

  private GeorepConfig config(PulsarCluster east, PulsarCluster west, String scope)
      throws Exception {
    String yaml =
        GeorepYaml.config(dir.resolve("state"), link("typed", "east", "west", scope), east, west);
    return ConfigLoader.parse(yaml, "schema-it", Map.of());
  }

  /** Sends bytes under a given schema, as a client of another language would. */
  private record RawSchema(SchemaInfo info) implements Schema<byte[]> {
    @Override
    public byte[] encode(byte[] message) {
      return message;
    }

    @Override
    public SchemaInfo getSchemaInfo() {
      return info;
    }

    @Override
    public Schema<byte[]> clone() {
      return this;
    }
  }
}

/** The record of the Avro and JSON topics; its name matches the Avro definitions'. */
class SchemaOrder {
  public String id;
  public long amount;
  public String currency;

  public SchemaOrder() {}

  SchemaOrder(String id, long amount, String currency) {
    this.id = id;
    this.amount = amount;
    this.currency = currency;
  }
}
