package org.apache.pulsar.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.conf.ConsumerConfigurationData;
import org.apache.pulsar.client.impl.conf.ProducerConfigurationData;
import org.apache.pulsar.client.util.ExecutorProvider;
import org.apache.pulsar.common.api.proto.CommandMessage;
import org.apache.pulsar.common.api.proto.MessageMetadata;
import org.apache.pulsar.shade.io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/**
 * Pins each internal (non-API) member of the Pulsar client that georep's adapters in this package
 * ({@link GeorepEntryConsumer}, {@link GuardedProducer}) and the entry forwarder use, with the
 * modifiers they rely on. The compiler checks the signatures already; this test also checks what it
 * cannot (that a method is still overridable, that the connection still dispatches to {@code
 * messageReceived}), and names the member, so that a client upgrade fails here, loudly, instead of
 * in an integration test or in production.
 */
class ClientInternalsTest {

  @Test
  void theEntryConsumerStillBuildsOnConsumerImpl() throws Exception {
    Constructor<?> constructor =
        ConsumerImpl.class.getDeclaredConstructor(
            PulsarClientImpl.class,
            String.class,
            ConsumerConfigurationData.class,
            ExecutorProvider.class,
            int.class,
            boolean.class,
            boolean.class,
            CompletableFuture.class,
            MessageId.class,
            long.class,
            Schema.class,
            ConsumerInterceptors.class,
            boolean.class);
    assertThat(Modifier.isPrivate(constructor.getModifiers()))
        .as("ConsumerImpl's 13-argument constructor must stay reachable from a subclass")
        .isFalse();
    assertThat(PulsarClientImpl.class.getMethod("externalExecutorProvider").getReturnType())
        .isEqualTo(ExecutorProvider.class);
  }

  @Test
  void entriesStillArriveThroughMessageReceived() throws IOException, NoSuchMethodException {
    Method received =
        ConsumerImpl.class.getDeclaredMethod(
            "messageReceived", CommandMessage.class, ByteBuf.class, ClientCnx.class);
    assertOverridable(received);
    assertThat(Modifier.isPublic(received.getModifiers()) || isPackagePrivate(received))
        .as("GeorepEntryConsumer overrides messageReceived without widening it")
        .isTrue();
    // The connection must still hand a consumer's messages to that method, not to another one.
    assertThat(classFileOf(ClientCnx.class))
        .as("ClientCnx no longer refers to messageReceived: entries would never arrive")
        .contains("messageReceived");
  }

  @Test
  void permitsStillGoThroughIncreaseAvailablePermits() throws Exception {
    Method permits =
        ConsumerImpl.class.getDeclaredMethod(
            "increaseAvailablePermits", ClientCnx.class, int.class);
    assertOverridable(permits);
    assertThat(Modifier.isProtected(permits.getModifiers())).isTrue();
    Method clear = ConsumerBase.class.getDeclaredMethod("clearIncomingMessages");
    assertOverridable(clear);
    Field consumerId = ConsumerImpl.class.getDeclaredField("consumerId");
    assertThat(consumerId.getType()).isEqualTo(long.class);
    assertThat(Modifier.isPrivate(consumerId.getModifiers()))
        .as("the FLOW command needs the consumer's id")
        .isFalse();
    assertThat(ClientCnx.class.getMethod("ctx").getReturnType().getName())
        .endsWith("ChannelHandlerContext");
  }

  @Test
  void theGuardedProducerStillBuildsOnProducerImpl() throws Exception {
    Constructor<?> constructor =
        ProducerImpl.class.getDeclaredConstructor(
            PulsarClientImpl.class,
            String.class,
            ProducerConfigurationData.class,
            CompletableFuture.class,
            int.class,
            Schema.class,
            ProducerInterceptors.class,
            Optional.class);
    assertThat(Modifier.isPrivate(constructor.getModifiers())).isFalse();
    assertOverridable(ProducerImpl.class.getMethod("connectionOpened", ClientCnx.class));
    Method lookup =
        PulsarClientImpl.class.getMethod(
            "getPartitionedTopicMetadata", String.class, boolean.class, boolean.class);
    assertThat(lookup.getReturnType()).isEqualTo(CompletableFuture.class);
  }

  @Test
  void entriesStillGoOutThroughSendAsyncWithACallback() throws Exception {
    Method send = ProducerImpl.class.getMethod("sendAsync", Message.class, SendCallback.class);
    assertThat(Modifier.isPublic(send.getModifiers())).isTrue();
    assertThat(SendCallback.class.getMethods())
        .extracting(Method::getName)
        .containsExactlyInAnyOrder(
            "sendComplete", "addCallback", "getNextSendCallback", "getNextMessage", "getFuture");
    Method create =
        MessageImpl.class.getMethod(
            "create", MessageMetadata.class, ByteBuffer.class, Schema.class, String.class);
    assertThat(Modifier.isStatic(create.getModifiers())).isTrue();
  }

  private static void assertOverridable(Method method) {
    int modifiers = method.getModifiers();
    assertThat(Modifier.isFinal(modifiers) || Modifier.isPrivate(modifiers))
        .as("%s must stay overridable", method)
        .isFalse();
  }

  private static boolean isPackagePrivate(Method method) {
    int modifiers = method.getModifiers();
    return !Modifier.isPublic(modifiers)
        && !Modifier.isProtected(modifiers)
        && !Modifier.isPrivate(modifiers);
  }

  private static String classFileOf(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      assertThat(in).as("class file of %s", type).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
