package io.georep.replicator;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * Carries a source message's schema to the target.
 *
 * <p>A source message names its schema by a version of the source topic's registry; that number
 * means nothing on the target. georep fetches the schema itself (over the binary protocol, which
 * needs no more than the consume permission georep already has) and sends the message with a
 * pass-through schema holding it: the Pulsar producer then registers that schema on the target
 * (get-or-create, before the message leaves) and stamps the message with the target's version, so a
 * typed consumer on the target decodes it. An incompatible target schema fails the send with {@code
 * IncompatibleSchemaException}.
 *
 * <p>One per replicator; used from its actor only.
 */
final class SchemaBridge {
  /** Looks a schema version up in the source's registry. */
  @FunctionalInterface
  interface Registry {
    CompletableFuture<Optional<SchemaInfo>> schema(byte[] version);
  }

  private final Registry registry;
  private final String sourceTopic;
  private final Map<ByteBuffer, Schema<byte[]>> byVersion = new HashMap<>();

  SchemaBridge(Registry registry, String sourceTopic) {
    this.registry = registry;
    this.sourceTopic = sourceTopic;
  }

  /** Looks schemas up over the source client's binary protocol. */
  static SchemaBridge of(PulsarClient source, String sourceTopic) {
    TopicName topic = TopicName.get(sourceTopic);
    return new SchemaBridge(
        version -> ((PulsarClientImpl) source).getLookup().getSchema(topic, version), sourceTopic);
  }

  /** The schema to send a message of this source schema version with; null until fetched. */
  Schema<byte[]> cached(byte[] version) {
    return byVersion.get(ByteBuffer.wrap(version));
  }

  /** Fetches the source schema of this version. */
  CompletableFuture<SchemaInfo> fetch(byte[] version) {
    return registry
        .schema(version)
        .thenApply(
            info ->
                info.orElseThrow(
                    () ->
                        new IllegalStateException(
                            "schema version "
                                + describe(version)
                                + " of "
                                + sourceTopic
                                + " is not in the source's schema registry (deleted?)")));
  }

  /** Remembers a fetched schema under its source version. */
  Schema<byte[]> remember(byte[] version, SchemaInfo info) {
    Schema<byte[]> schema = new PassThroughSchema(info);
    byVersion.put(ByteBuffer.wrap(version.clone()), schema);
    return schema;
  }

  static String describe(byte[] version) {
    return version.length == Long.BYTES
        ? Long.toString(ByteBuffer.wrap(version).getLong())
        : java.util.HexFormat.of().formatHex(version);
  }

  /** Bytes in, the same bytes out, under a given schema: the payload is already encoded. */
  static final class PassThroughSchema implements Schema<byte[]> {
    private final SchemaInfo info;

    PassThroughSchema(SchemaInfo info) {
      this.info = info;
    }

    @Override
    public byte[] encode(byte[] message) {
      return message;
    }

    @Override
    public byte[] decode(byte[] bytes) {
      return bytes;
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
