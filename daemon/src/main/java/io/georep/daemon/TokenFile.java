package io.georep.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens of {@code http.tokenFile}: one a line, blank lines and lines starting with
 * {@code #} ignored, surrounding blanks stripped. The file is read again when its modification time
 * or size changes, so tokens rotate without a restart; a file that can no longer be read accepts no
 * token until it can (fail closed). Tokens are kept only as SHA-256 digests and compared in
 * constant time; they are never logged.
 */
public final class TokenFile {
  private static final Logger log = LoggerFactory.getLogger(TokenFile.class);

  /** What a request's {@code Authorization} header amounts to. */
  enum Verdict {
    /** A token of the file. */
    ACCEPTED,
    /** No {@code Authorization: Bearer} header: 401. */
    MISSING,
    /** A bearer token that is not in the file: 403. */
    REFUSED
  }

  private final Path file;
  private Snapshot snapshot;

  private TokenFile(Path file, Snapshot snapshot) {
    this.file = file;
    this.snapshot = snapshot;
  }

  /**
   * Reads the file a first time.
   *
   * @throws OperationFailedException if it cannot be read or holds no token
   */
  static TokenFile load(Path file) {
    Snapshot first;
    try {
      first = read(file);
    } catch (IOException e) {
      throw new OperationFailedException(
          "cannot read http.tokenFile " + file + ": " + reason(e), e);
    }
    if (first.digests.isEmpty()) {
      throw new OperationFailedException(
          "http.tokenFile "
              + file
              + " holds no token (one a line; blank lines and # comments are ignored)");
    }
    return new TokenFile(file, first);
  }

  Path path() {
    return file;
  }

  /** Judges an {@code Authorization} header value; {@code null} when the request had none. */
  Verdict check(String authorization) {
    if (authorization == null) {
      return Verdict.MISSING;
    }
    String value = authorization.strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.MISSING;
    }
    String token = value.substring(7).strip();
    if (token.isEmpty()) {
      return Verdict.MISSING;
    }
    byte[] digest = sha256(token);
    boolean match = false;
    for (byte[] known : current().digests) {
      match |= MessageDigest.isEqual(known, digest); // no early exit: the same time for every token
    }
    return match ? Verdict.ACCEPTED : Verdict.REFUSED;
  }

  /** The tokens as of the file's last change; re-reads it when it changed. */
  private synchronized Snapshot current() {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.lastModifiedTime().equals(snapshot.modified)
          || attributes.size() != snapshot.size) {
        snapshot = read(file);
        log.info(
            "http.tokenFile {} changed: {} now accepted",
            file,
            Plural.of(snapshot.digests.size(), "token"));
      }
    } catch (IOException e) {
      if (snapshot != Snapshot.UNREADABLE) {
        log.warn(
            "cannot read http.tokenFile {} ({}): refusing every token until it can be read",
            file,
            reason(e));
      }
      snapshot = Snapshot.UNREADABLE;
    }
    return snapshot;
  }

  private static Snapshot read(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    List<byte[]> digests = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String token = line.strip();
      if (!token.isEmpty() && !token.startsWith("#")) {
        digests.add(sha256(token));
      }
    }
    return new Snapshot(attributes.lastModifiedTime(), attributes.size(), List.copyOf(digests));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : e instanceof java.nio.file.AccessDeniedException
            ? "permission denied"
            : String.valueOf(e.getMessage());
  }

  /** The digests read from the file at one modification time and size. */
  private record Snapshot(FileTime modified, long size, List<byte[]> digests) {
    static final Snapshot UNREADABLE = new Snapshot(null, -1, List.of());
  }
}
