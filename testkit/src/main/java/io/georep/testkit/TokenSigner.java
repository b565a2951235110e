package io.georep.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs HS256 JWTs ({@code {"alg":"HS256"}.{"sub":role}}) the way {@code pulsar tokens create
 * --secret-key} does, with a 256-bit secret key kept in a file the broker reads through {@code
 * tokenSecretKey=file://...}.
 */
final class TokenSigner {
  static final String SUPER_USER_ROLE = "superuser";

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = encode("{\"alg\":\"HS256\"}");

  private final byte[] secretKey;
  private final Path secretKeyFile;

  private TokenSigner(byte[] secretKey, Path secretKeyFile) {
    this.secretKey = secretKey.clone();
    this.secretKeyFile = secretKeyFile;
  }

  /** Reads the key in {@code file}, or writes a new random one there when it does not exist. */
  static TokenSigner loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return new TokenSigner(Files.readAllBytes(file), file);
      }
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.createDirectories(file.getParent());
      Files.write(file, key);
      return new TokenSigner(key, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the token secret key " + file, e);
    }
  }

  Path secretKeyFile() {
    return secretKeyFile;
  }

  byte[] secretKey() {
    return secretKey.clone();
  }

  String superUserToken() {
    return create(SUPER_USER_ROLE);
  }

  String create(String role) {
    return sign("{\"sub\":" + jsonString(role) + "}", role);
  }

  /** A token with an {@code exp} claim: the broker refuses it from {@code expiresAt} on. */
  String create(String role, Instant expiresAt) {
    return sign(
        "{\"sub\":" + jsonString(role) + ",\"exp\":" + expiresAt.getEpochSecond() + "}", role);
  }

  private String sign(String claims, String role) {
    if (role == null || role.isEmpty()) {
      throw new IllegalArgumentException("role must not be empty");
    }
    String signingInput = HEADER + "." + encode(claims);
    return signingInput + "." + BASE64URL.encodeToString(hmac(signingInput));
  }

  private byte[] hmac(String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static String encode(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
