package io.georep.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fenced links, in their own column family ({@code link-fences}), keyed by link name. Writes
 * are fsynced before they return: a fence is what keeps a link from writing to a cluster that an
 * operator has moved away from, and nothing else holds a copy of it.
 */
public final class LinkFences {
  private static final byte VERSION = 1;

  private final RocksDatabase db;

  LinkFences(RocksDatabase db) {
    this.db = db;
  }

  /** Fences {@code fence.link()}, replacing an earlier fence of it. */
  public void fence(LinkFence fence) {
    byte[] value = encode(fence);
    db.write(
        "fencing link " + fence.link(),
        true,
        batch -> batch.put(RocksDatabase.Family.LINK_FENCES, key(fence.link()), value));
  }

  /** Lifts the fence of {@code link}; nothing happens if it has none. */
  public void unfence(String link) {
    db.write(
        "unfencing link " + link,
        true,
        batch -> batch.delete(RocksDatabase.Family.LINK_FENCES, key(link)));
  }

  /** The fence of {@code link}, if it has one. */
  public Optional<LinkFence> fenceOf(String link) {
    return db.get("reading the fence of link " + link, RocksDatabase.Family.LINK_FENCES, key(link))
        .map(value -> decode(link, value));
  }

  /** Every fenced link, by name. */
  public List<LinkFence> all() {
    List<LinkFence> fences = new ArrayList<>();
    db.scan(
        "listing fenced links",
        RocksDatabase.Family.LINK_FENCES,
        new byte[0],
        (key, value) -> fences.add(decode(new String(key, StandardCharsets.UTF_8), value)));
    return fences;
  }

  private static byte[] key(String link) {
    return link.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] encode(LinkFence fence) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(fence.fencedAt().getEpochSecond());
      out.writeInt(fence.fencedAt().getNano());
      out.writeUTF(fence.reason());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static LinkFence decode(String link, byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new StateStoreException(
            "the fence of link "
                + link
                + " has format version "
                + version
                + ", which this georep does not know (written by a newer georep?)");
      }
      Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
      String reason = in.readUTF();
      if (in.available() > 0) {
        throw new StateStoreException("the fence of link " + link + " is corrupt: extra bytes");
      }
      return new LinkFence(link, at, reason);
    } catch (IOException e) {
      throw new StateStoreException("the fence of link " + link + " is corrupt: " + e, e);
    }
  }
}
