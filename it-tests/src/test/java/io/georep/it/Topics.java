package io.georep.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/** Reads what a topic holds, for assertions. */
final class Topics {
  private Topics() {}

  /** Every message of the topic (all partitions), from the earliest. */
  static List<Message<byte[]>> readAll(PulsarClient client, String topic) throws Exception {
    List<Message<byte[]>> messages = new ArrayList<>();
    try (Reader<byte[]> reader =
        client.newReader(Schema.BYTES).topic(topic).startMessageId(MessageId.earliest).create()) {
      while (reader.hasMessageAvailable()) {
        Message<byte[]> m = reader.readNext(10, TimeUnit.SECONDS);
        if (m == null) {
          break;
        }
        messages.add(m);
      }
    }
    return messages;
  }
}
