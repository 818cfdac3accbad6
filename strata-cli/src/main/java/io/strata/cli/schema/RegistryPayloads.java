package io.strata.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.client.CliException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Payloads in a schema registry's wire format, as Confluent's (and every compatible) serializer writes them: the
 * magic byte 0, the schema's id as a 4-byte big-endian integer, then the payload (Avro binary, or JSON text for JSON
 * Schema). Encoders come from a schema file (registered under a subject first) or a registered id; decoding looks
 * each id up once. Not thread-safe: one command uses it.
 */
public final class RegistryPayloads {

    static final byte MAGIC = 0;
    static final int HEADER = 5;

    private final RegistryClient client;
    private final String url;
    private final Map<Integer, PayloadCodec> codecs = new HashMap<>();

    private RegistryPayloads(String url) {
        this.client = new RegistryClient(url);
        this.url = url;
    }

    /** A client of the registry at {@code url}; nothing is sent until it is used. */
    public static RegistryPayloads at(String url) {
        return new RegistryPayloads(url);
    }

    /** Encodes JSON texts with one registered schema. */
    public static final class Encoder {
        private final int id;
        private final PayloadCodec codec;

        private Encoder(int id, PayloadCodec codec) {
            this.id = id;
            this.codec = codec;
        }

        /** The registry's id of the schema. */
        public int id() {
            return id;
        }

        /** {@code json} in the wire format; a {@link CliException} when it does not fit the schema. */
        public byte[] encode(String json) {
            return frame(id, codec.encode(json));
        }
    }

    /**
     * Registers the schema in {@code file} under {@code subject} (the existing version when it is already there; a
     * new one when the subject's compatibility level accepts it) and returns its encoder.
     */
    public Encoder register(String subject, Path file, SchemaInput.Type type) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", text);
        body.put("schemaType", type.name());
        int id = client.post("/subjects/" + RegistryClient.segment(subject) + "/versions", body).get("id").asInt();
        return byId(id);
    }

    /** The encoder of the schema the registry holds as {@code id}. */
    public Encoder byId(int id) {
        return new Encoder(id, codec(id));
    }

    /** Whether {@code bytes} start as the wire format does: the magic byte and room for a schema id. */
    public static boolean framed(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER && bytes[0] == MAGIC;
    }

    /**
     * The JSON text of a payload in the wire format; a {@link CliException} naming the problem when it is not in
     * that format, its schema id is unknown to the registry, or the payload does not fit the schema.
     */
    public String decode(byte[] bytes) {
        if (!framed(bytes)) {
            throw new CliException(bytes.length == 0 ? "an empty payload is not in the schema registry's wire format"
                    : String.format("not in the schema registry's wire format (first byte 0x%02x, not the magic byte "
                            + "0, then a schema id)", bytes[0]));
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        PayloadCodec codec = codec(id);
        try {
            return codec.decode(bytes, HEADER, bytes.length - HEADER);
        } catch (CliException e) {
            throw new CliException("schema id " + id + ": " + e.getMessage(), e);
        }
    }

    static byte[] frame(int id, byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).put(MAGIC).putInt(id).put(payload).array();
    }

    private PayloadCodec codec(int id) {
        PayloadCodec known = codecs.get(id);
        if (known != null) {
            return known;
        }
        JsonNode schema;
        try {
            schema = client.get("/schemas/ids/" + id);
        } catch (CliException e) {
            // 40403 is the registry's "schema not found"; anything else (unreachable, 50002...) is not about the id.
            throw new CliException((e.getMessage().endsWith("(error 40403)")
                    ? "schema id " + id + " is unknown to the registry at " + url + ": "
                    : "cannot look schema id " + id + " up: ") + e.getMessage(), e);
        }
        PayloadCodec codec = switch (schema.path("schemaType").asText("AVRO")) {
            case "AVRO" -> new PayloadCodec.Avro(avro(schema, new Schema.Parser()));
            case "JSON" -> new PayloadCodec.Json();
            default -> throw new CliException("schema id " + id + " is a " + schema.get("schemaType").asText()
                    + " schema: only AVRO and JSON payloads are encoded and decoded here");
        };
        codecs.put(id, codec);
        return codec;
    }

    /** Parses an Avro schema after the schemas it references (depth first), all into one parser's names. */
    private Schema avro(JsonNode schema, Schema.Parser parser) {
        for (JsonNode ref : schema.path("references")) {
            String name = ref.path("name").asText();
            if (!parser.getTypes().containsKey(name)) {
                avro(client.get("/subjects/" + RegistryClient.segment(ref.path("subject").asText()) + "/versions/"
                        + ref.path("version").asInt()), parser);
            }
        }
        try {
            return parser.parse(schema.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new CliException("the registry's schema does not parse: " + e.getMessage());
        }
    }
}
