package io.georep.daemon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;

/** The JSON mapping of the status API: records as objects, instants as ISO-8601 strings. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper().registerModule(new SimpleModule("georep").addSerializer(new InstantIso()));

  private Json() {}

  /** {@code 2026-11-25T14:03:07.123Z}; without it databind refuses {@link Instant}. */
  private static final class InstantIso extends StdSerializer<Instant> {
    InstantIso() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeString(value.toString());
    }
  }
}
