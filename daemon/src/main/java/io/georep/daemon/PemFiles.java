package io.georep.daemon;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts from PEM files, with the JDK alone: a server's certificate chain and its unencrypted
 * PKCS#8 private key ({@code BEGIN PRIVATE KEY}; RSA, EC or Ed25519), or the certificates a client
 * trusts. Other key forms ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}, encrypted
 * keys) are refused with the {@code openssl} command that converts them.
 */
public final class PemFiles {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");
  private static final char[] NO_PASSWORD = new char[0];

  private PemFiles() {}

  /**
   * A server context presenting the certificate (and chain) of {@code certFile} with the key of
   * {@code keyFile}.
   *
   * @throws OperationFailedException naming the file and what is wrong with it
   */
  public static SSLContext serverContext(Path certFile, Path keyFile) {
    List<Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new OperationFailedException(
          "cannot serve TLS with " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * A client context that trusts the certificates of {@code caFile} (and no others).
   *
   * @throws OperationFailedException naming the file and what is wrong with it
   */
  public static SSLContext trusting(Path caFile) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates(caFile)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new OperationFailedException("cannot trust " + caFile + ": " + e.getMessage(), e);
    }
  }

  private static List<Certificate> certificates(Path file) {
    byte[] pem = read(file);
    try {
      List<Certificate> certificates =
          List.copyOf(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(new ByteArrayInputStream(pem)));
      if (certificates.isEmpty()) {
        throw new OperationFailedException(file + " holds no PEM certificate");
      }
      return certificates;
    } catch (GeneralSecurityException e) {
      throw new OperationFailedException(
          file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file) {
    String pem = new String(read(file), StandardCharsets.US_ASCII);
    Matcher matcher = PRIVATE_KEY.matcher(pem);
    if (!matcher.find()) {
      throw new OperationFailedException(
          file
              + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with: openssl"
              + " pkcs8 -topk8 -nocrypt -in "
              + file
              + " -out key-pk8.pem");
    }
    byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new OperationFailedException(
        file + " holds a PKCS#8 key that is neither RSA, EC nor Ed25519");
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new OperationFailedException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
