package io.georep.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSignerTest {
  @TempDir Path dir;

  @Test
  void tokenIsAnHs256JwtForTheRole() throws Exception {
    TokenSigner signer = TokenSigner.loadOrCreate(dir.resolve("secret.key"));

    String[] parts = signer.create("alice").split("\\.");

    assertThat(parts).hasSize(3);
    assertThat(decode(parts[0])).isEqualTo("{\"alg\":\"HS256\"}");
    assertThat(decode(parts[1])).isEqualTo("{\"sub\":\"alice\"}");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(signer.secretKey(), "HmacSHA256"));
    byte[] signature = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(parts[2])
        .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
  }

  @Test
  void keyIsReusedFromItsFile() {
    Path file = dir.resolve("secret.key");
    String token = TokenSigner.loadOrCreate(file).superUserToken();

    assertThat(TokenSigner.loadOrCreate(file).superUserToken()).isEqualTo(token);
    assertThat(TokenSigner.loadOrCreate(file).secretKey()).hasSize(32);
  }

  @Test
  void roleIsEscapedInTheJson() {
    String token = TokenSigner.loadOrCreate(dir.resolve("secret.key")).create("a\"b\\c");

    assertThat(decode(token.split("\\.")[1])).isEqualTo("{\"sub\":\"a\\\"b\\\\c\"}");
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }
}
