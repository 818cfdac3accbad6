package io.strata.cli.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.cli.client.CliException;
import io.strata.cli.schema.RegistryPayloads;
import java.nio.charset.StandardCharsets;

/**
 * How a record's key and value are printed: as UTF-8 text, or decoded from the schema registry's wire format to
 * JSON. The UTF-8 form is stateless and thread-safe; the registry form caches schemas and is for one thread.
 */
sealed interface Payloads {

    /** What one key or value prints as. */
    sealed interface Payload {
        /** {@code --format json} embeds it as a string. */
        record Text(String text) implements Payload {
        }

        /** A JSON document, which {@code --format json} embeds as JSON. */
        record Json(String json) implements Payload {
        }

        /** The printed text of {@code payload}; null for null. */
        static String text(Payload payload) {
            return switch (payload) {
                case null -> null;
                case Text t -> t.text();
                case Json j -> j.json();
            };
        }
    }

    /** The key's payload; null for a null key. */
    Payload key(byte[] key);

    /** The value's payload; null for a null value (a tombstone). */
    Payload value(byte[] value);

    /** Keys and values as UTF-8 text (invalid bytes become U+FFFD). */
    record Utf8() implements Payloads {
        @Override
        public Payload key(byte[] key) {
            return key == null ? null : new Payload.Text(new String(key, StandardCharsets.UTF_8));
        }

        @Override
        public Payload value(byte[] value) {
            return key(value);
        }
    }

    /**
     * Values decoded from the registry's wire format (a {@link CliException} when one is not in it or its schema is
     * unknown); keys decoded when they are in that format, else printed as UTF-8 text, because keys are often plain
     * strings (a user id) beside registry-encoded values.
     */
    record Registry(RegistryPayloads registry) implements Payloads {
        @Override
        public Payload key(byte[] key) {
            return RegistryPayloads.framed(key) ? new Payload.Json(registry.decode(key)) : new Utf8().key(key);
        }

        @Override
        public Payload value(byte[] value) {
            return value == null ? null : new Payload.Json(registry.decode(value));
        }
    }

    /** A JSON payload as the plain objects {@link io.strata.server.json.Json} writes; text stays a string. */
    static Object jsonValue(Payload payload) {
        if (!(payload instanceof Payload.Json json)) {
            return Payload.text(payload);
        }
        try {
            return JsonHolder.MAPPER.readValue(json.json(), Object.class);
        } catch (JsonProcessingException e) {
            throw new CliException("decoded payload is not JSON: " + e.getOriginalMessage());
        }
    }

    /** Made on first use: plain consumers never load Jackson. */
    final class JsonHolder {
        static final ObjectMapper MAPPER = new ObjectMapper();

        private JsonHolder() {
        }
    }
}
