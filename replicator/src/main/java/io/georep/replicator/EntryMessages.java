package io.georep.replicator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.BatchMessageIdImpl;
import org.apache.pulsar.client.impl.GeorepEntryConsumer.SourceEntry;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.apache.pulsar.client.impl.MessageImpl;
import org.apache.pulsar.common.api.proto.MessageMetadata;
import org.apache.pulsar.common.api.proto.SingleMessageMetadata;
import org.apache.pulsar.common.compression.CompressionCodecProvider;
import org.apache.pulsar.common.protocol.Commands;
import org.apache.pulsar.shade.io.netty.buffer.ByteBuf;
import org.apache.pulsar.shade.io.netty.buffer.Unpooled;

/**
 * The messages of a stored batch, for the entries that cannot be forwarded whole: a batch that
 * another georep link re-produced message by message carries its provenance on each message, not on
 * the entry, and may mix messages of several origins (a ring of three clusters). Loop prevention
 * must look at each of them, and forward only those whose origin is not the target.
 */
final class EntryMessages {

  private EntryMessages() {}

  /**
   * Whether this entry's messages may carry provenance of their own that the entry does not show: a
   * batch without provenance on the entry, written by a georep producer (whose names start with
   * {@code georep-}) that forwarded messages one by one. Checked by name so that the entries of
   * every other producer are forwarded without being opened. Encrypted batches cannot be opened.
   */
  static boolean mayHideProvenance(SourceEntry entry) {
    MessageMetadata metadata = entry.metadata();
    return entry.isBatch()
        && metadata.hasProducerName()
        && metadata.getProducerName().startsWith(ProducerNames.PREFIX)
        && metadata.getEncryptionKeysCount() == 0
        && Provenance.entryProperty(metadata, Provenance.SOURCE) == null;
  }

  /**
   * The messages of a batch entry, each with its own id, key, properties and a copy of its payload;
   * the entry's payload is left as it was (the caller releases it).
   */
  static List<Message<byte[]>> unpack(SourceEntry entry, String topic) throws IOException {
    MessageMetadata metadata = entry.metadata();
    int count = metadata.getNumMessagesInBatch();
    MessageIdImpl entryId = (MessageIdImpl) entry.messageId();
    ByteBuf uncompressed =
        CompressionCodecProvider.getCompressionCodec(metadata.getCompression())
            .decode(entry.payload().slice(), metadata.getUncompressedSize());
    try {
      List<Message<byte[]>> messages = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        SingleMessageMetadata single = new SingleMessageMetadata();
        ByteBuf payload = Commands.deSerializeSingleMessageInBatch(uncompressed, single, i, count);
        byte[] data;
        try {
          data = new byte[payload.readableBytes()];
          payload.readBytes(data);
        } finally {
          payload.release();
        }
        BatchMessageIdImpl id =
            new BatchMessageIdImpl(
                entryId.getLedgerId(),
                entryId.getEntryId(),
                entryId.getPartitionIndex(),
                i,
                count,
                null);
        messages.add(
            MessageImpl.create(
                topic,
                id,
                metadata,
                single,
                Unpooled.wrappedBuffer(data),
                Optional.empty(),
                null,
                Schema.BYTES,
                0,
                false,
                0));
      }
      return messages;
    } finally {
      uncompressed.release();
    }
  }
}
