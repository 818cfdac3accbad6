package io.strata.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.strata.server.registry.InProcessRegistry.Registered;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Confluent REST Proxy's v3 API, the part Strata serves: read-only listing of the cluster, its topics and
 * partitions ({@code GET /v3/clusters[/{id}[/topics[/{t}[/partitions[/{p}]]]]]}) and produce
 * ({@code POST /v3/clusters/{id}/topics/{t}/records}), one record per request answered by one result, or several
 * (a chunked body streamed as it arrives, or a body of known length) answered by a stream of results in the same
 * order. Thread-safe.
 */
final class V3Api {

    /** Results produced but not yet written, per stream: a client that does not read its answers is held back. */
    private static final int STREAM_IN_FLIGHT = 10_000;

    private final ClusterView cluster;
    private final KafkaClients clients;
    private final RestConfig config;
    private final String baseUrl;
    private final SchemaCodec schemas;
    private volatile String clusterId;

    V3Api(ClusterView cluster, KafkaClients clients, RestConfig config, String baseUrl, SchemaCodec schemas) {
        this.schemas = schemas;
        this.cluster = cluster;
        this.clients = clients;
        this.config = config;
        this.baseUrl = baseUrl;
    }

    /** Serves {@code segments} = the path's parts after {@code v3}. */
    void handle(HttpExchange exchange, List<String> segments) throws IOException {
        if (segments.isEmpty() || !segments.get(0).equals("clusters")) {
            throw RestException.notFound();
        }
        String method = exchange.getRequestMethod();
        if (segments.size() == 5 && segments.get(2).equals("topics") && segments.get(4).equals("records")) {
            if (!method.equals("POST")) {
                throw RestException.methodNotAllowed();
            }
            checkCluster(segments.get(1));
            produce(exchange, segments.get(3));
            return;
        }
        if (!method.equals("GET")) {
            throw RestException.methodNotAllowed();
        }
        if (segments.size() == 1) {
            ObjectNode list = list(baseUrl + "/v3/clusters", "KafkaClusterList");
            list.withArray("data").add(clusterNode());
            Exchanges.send(exchange, 200, Exchanges.JSON, list);
            return;
        }
        String id = checkCluster(segments.get(1));
        if (segments.size() == 2) {
            Exchanges.send(exchange, 200, Exchanges.JSON, clusterNode());
            return;
        }
        if (!segments.get(2).equals("topics") || segments.size() > 6
                || (segments.size() >= 5 && !segments.get(4).equals("partitions"))) {
            throw RestException.notFound();
        }
        String topics = baseUrl + "/v3/clusters/" + id + "/topics";
        switch (segments.size()) {
            case 3 -> {
                ObjectNode list = list(topics, "KafkaTopicList");
                ArrayNode data = list.withArray("data");
                cluster.topics(true).values().forEach(t -> data.add(topicNode(id, t)));
                Exchanges.send(exchange, 200, Exchanges.JSON, list);
            }
            case 4 -> Exchanges.send(exchange, 200, Exchanges.JSON, topicNode(id, topic(segments.get(3))));
            case 5 -> {
                TopicDescription topic = topic(segments.get(3));
                ObjectNode list = list(topics + "/" + topic.name() + "/partitions", "KafkaPartitionList");
                ArrayNode data = list.withArray("data");
                topic.partitions().forEach(p -> data.add(partitionNode(id, topic.name(), p)));
                Exchanges.send(exchange, 200, Exchanges.JSON, list);
            }
            default -> {
                TopicDescription topic = topic(segments.get(3));
                int partition = V2Topics.partitionId(topic.name(), segments.get(5));
                Exchanges.send(exchange, 200, Exchanges.JSON, partitionNode(id, topic.name(),
                        ClusterView.partition(topic, partition)));
            }
        }
    }

    /** v3's errors carry the HTTP status as {@code error_code}. */
    static RestException v3(RestException e) {
        return e.status() == e.errorCode() ? e : new RestException(e.status(), e.status(), e.getMessage());
    }

    private TopicDescription topic(String name) {
        try {
            return cluster.topic(name);
        } catch (RestException e) {
            throw e.errorCode() == 40401 ? new RestException(404, 404,
                    "This server does not host this topic-partition.") : e;
        }
    }

    private String clusterId() {
        String id = clusterId;
        if (id == null) {
            id = cluster.clusterId();
            clusterId = id;
        }
        return id;
    }

    private String checkCluster(String id) {
        if (!id.equals(clusterId())) {
            throw new RestException(404, 404, "Cluster " + id + " not found");
        }
        return id;
    }

    private static ObjectNode list(String self, String kind) {
        ObjectNode list = Exchanges.MAPPER.createObjectNode();
        list.put("kind", kind);
        ObjectNode metadata = list.putObject("metadata");
        metadata.put("self", self);
        metadata.putNull("next");
        list.putArray("data");
        return list;
    }

    private static ObjectNode resource(String kind, String self, String resourceName) {
        ObjectNode node = Exchanges.MAPPER.createObjectNode();
        node.put("kind", kind);
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("self", self);
        metadata.put("resource_name", resourceName);
        return node;
    }

    private static void related(ObjectNode node, String field, String url) {
        node.putObject(field).put("related", url);
    }

    private ObjectNode clusterNode() {
        String id = clusterId();
        String self = baseUrl + "/v3/clusters/" + id;
        ObjectNode node = resource("KafkaCluster", self, "crn:///kafka=" + id);
        node.put("cluster_id", id);
        related(node, "controller", self + "/brokers/" + cluster.controllerId());
        related(node, "acls", self + "/acls");
        related(node, "brokers", self + "/brokers");
        related(node, "broker_configs", self + "/broker-configs");
        related(node, "consumer_groups", self + "/consumer-groups");
        related(node, "topics", self + "/topics");
        related(node, "partition_reassignments", self + "/topics/-/partitions/-/reassignment");
        return node;
    }

    private ObjectNode topicNode(String id, TopicDescription topic) {
        String self = baseUrl + "/v3/clusters/" + id + "/topics/" + topic.name();
        ObjectNode node = resource("KafkaTopic", self, "crn:///kafka=" + id + "/topic=" + topic.name());
        node.put("cluster_id", id);
        node.put("topic_name", topic.name());
        node.put("is_internal", topic.isInternal());
        node.put("replication_factor", topic.partitions().isEmpty() ? 0
                : topic.partitions().getFirst().replicas().size());
        node.put("partitions_count", topic.partitions().size());
        related(node, "partitions", self + "/partitions");
        related(node, "configs", self + "/configs");
        related(node, "partition_reassignments", self + "/partitions/-/reassignment");
        node.putArray("authorized_operations");
        return node;
    }

    private ObjectNode partitionNode(String id, String topic, TopicPartitionInfo partition) {
        String self = baseUrl + "/v3/clusters/" + id + "/topics/" + topic + "/partitions/" + partition.partition();
        ObjectNode node = resource("KafkaPartition", self, "crn:///kafka=" + id + "/topic=" + topic
                + "/partition=" + partition.partition());
        node.put("cluster_id", id);
        node.put("topic_name", topic);
        node.put("partition_id", partition.partition());
        if (partition.leader() != null && !partition.leader().isEmpty()) {
            related(node, "leader", self + "/replicas/" + partition.leader().id());
        } else {
            node.putNull("leader");
        }
        related(node, "replicas", self + "/replicas");
        related(node, "reassignment", self + "/reassignment");
        return node;
    }

    /**
     * One record, or a stream of them when the body is chunked: each record is produced as soon as it is read, and
     * its result is written as soon as it and every earlier one are known.
     */
    private void produce(HttpExchange exchange, String topicName) throws IOException {
        TopicDescription topic = topic(topicName);
        String id = clusterId();
        boolean streaming = "chunked".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Transfer-Encoding"));
        InputStream body = exchange.getRequestBody();
        if (!streaming) {
            // A body of known length: one record gets one answer; several (a file of them) get a stream.
            byte[] bytes = Exchanges.body(exchange, config.maxRequestBytes());
            List<JsonNode> records = new ArrayList<>();
            try (MappingIterator<JsonNode> values = Exchanges.MAPPER.readerFor(JsonNode.class).readValues(bytes)) {
                while (values.hasNextValue() && records.size() < 2) {
                    records.add(values.nextValue());
                }
            } catch (JsonProcessingException e) {
                throw RestException.badRequest("Malformed JSON: " + e.getOriginalMessage());
            }
            if (records.isEmpty()) {
                throw RestException.badRequest("Request body missing");
            }
            if (records.size() == 1) {
                ObjectNode result = result(id, topic, records.getFirst()).join();
                Exchanges.send(exchange, result.get("error_code").asInt(), Exchanges.JSON, result);
                return;
            }
            body = new ByteArrayInputStream(bytes);
        }
        BoundedRecordStream in = new BoundedRecordStream(body, config.maxRequestBytes());
        exchange.getResponseHeaders().set("Content-Type", Exchanges.JSON);
        exchange.sendResponseHeaders(200, 0);
        BlockingQueue<CompletableFuture<ObjectNode>> pending = new ArrayBlockingQueue<>(STREAM_IN_FLIGHT);
        CompletableFuture<ObjectNode> end = new CompletableFuture<>();
        OutputStream out = exchange.getResponseBody();
        Thread writer = Thread.ofVirtual().name("strata-rest-stream").start(() -> writeResults(pending, end, out));
        try (MappingIterator<JsonNode> records = Exchanges.MAPPER.readerFor(JsonNode.class).readValues(in)) {
            while (writer.isAlive()) {
                JsonNode record;
                try {
                    if (!records.hasNextValue()) {
                        break;
                    }
                    record = records.nextValue();
                } catch (JsonProcessingException e) {
                    put(pending, CompletableFuture.completedFuture(error(400, "Malformed JSON: "
                            + e.getOriginalMessage())));
                    break; // the rest of the stream cannot be split into records any more
                }
                in.recordDone();
                put(pending, result(id, topic, record));
            }
        } catch (IOException e) {
            put(pending, CompletableFuture.completedFuture(error(413, e.getMessage())));
        } finally {
            put(pending, end);
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void put(BlockingQueue<CompletableFuture<ObjectNode>> pending, CompletableFuture<ObjectNode> f) {
        try {
            pending.put(f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException(503, 503, "Interrupted");
        }
    }

    /** Writes each result, one JSON object a line, in order; flushes when it has caught up. */
    private static void writeResults(BlockingQueue<CompletableFuture<ObjectNode>> pending,
                                     CompletableFuture<ObjectNode> end, OutputStream out) {
        try {
            while (true) {
                CompletableFuture<ObjectNode> next = pending.take();
                if (next == end) {
                    out.flush();
                    return;
                }
                out.write(Exchanges.MAPPER.writeValueAsBytes(next.join()));
                out.write('\n');
                if (pending.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // The client went away: the producing loop sees this thread end and stops reading.
        }
    }

    /** The result of producing one v3 record: its offset, or an error object with an HTTP-style code. */
    private CompletableFuture<ObjectNode> result(String id, TopicDescription topic, JsonNode body) {
        ProducerRecord<byte[], byte[]> record;
        Data key;
        Data value;
        try {
            if (!body.isObject()) {
                throw RestException.badRequest("A record must be a JSON object");
            }
            Integer partition = null;
            JsonNode partitionId = body.get("partition_id");
            if (partitionId != null && !partitionId.isNull()) {
                if (!partitionId.canConvertToInt() || partitionId.asInt() < 0
                        || partitionId.asInt() >= topic.partitions().size()) {
                    throw new RestException(404, 404, "This server does not host this topic-partition.");
                }
                partition = partitionId.asInt();
            }
            key = data(body.get("key"), "key", topic.name());
            value = data(body.get("value"), "value", topic.name());
            Long timestamp = null;
            JsonNode time = body.get("timestamp");
            if (time != null && !time.isNull()) {
                try {
                    timestamp = Instant.parse(time.asText()).toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw RestException.badRequest("timestamp must be ISO-8601: " + time.asText());
                }
            }
            record = new ProducerRecord<>(topic.name(), partition, timestamp, key.bytes(), value.bytes(),
                    headers(body.get("headers")));
        } catch (RestException e) {
            return CompletableFuture.completedFuture(error(e.status(), e.getMessage()));
        }
        return V2Topics.send(clients, record).handle((metadata, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                int code = cause instanceof RecordTooLargeException ? 413
                        : cause instanceof InvalidTopicException ? 400
                        : cause instanceof RetriableException ? 503 : 500;
                return error(code, cause.getMessage());
            }
            ObjectNode result = Exchanges.MAPPER.createObjectNode();
            result.put("error_code", 200);
            result.put("cluster_id", id);
            result.put("topic_name", topic.name());
            result.put("partition_id", metadata.partition());
            result.put("offset", metadata.offset());
            result.put("timestamp", Instant.ofEpochMilli(metadata.timestamp()).toString());
            key.describe(result, "key");
            value.describe(result, "value");
            return result;
        });
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode node = Exchanges.MAPPER.createObjectNode();
        node.put("error_code", code);
        node.put("message", message);
        return node;
    }

    /** A key or value of a v3 record: its bytes and type, or absent; the schema it was encoded with, if any. */
    private record Data(String type, byte[] bytes, Optional<Registered> schema) {

        Data(String type, byte[] bytes) {
            this(type, bytes, Optional.empty());
        }

        void describe(ObjectNode result, String field) {
            if (type == null) {
                result.putNull(field);
            } else {
                ObjectNode node = result.putObject(field);
                node.put("type", type);
                schema.ifPresent(s -> node.put("schema_id", s.id()));
                node.put("size", bytes == null ? 0 : bytes.length);
            }
        }
    }

    /**
     * {@code {"type":"BINARY|JSON|STRING","data":...}}, no type being JSON; or schema-based,
     * {@code {"type":"AVRO|JSONSCHEMA","schema":..,"data":..}} (the schema registered under the topic's subject),
     * {@code {"schema_id":..,"data":..}} or {@code {"subject":..,"schema_version":..,"data":..}} (the type being the
     * schema's), encoded in the registry's wire format. PROTOBUF is refused.
     */
    private Data data(JsonNode node, String field, String topic) {
        if (node == null || node.isNull()) {
            return new Data(null, null);
        }
        if (!node.isObject()) {
            throw RestException.badRequest(field + " must be an object with type and data");
        }
        Optional<String> named = Optional.ofNullable(node.get("type")).filter(t -> !t.isNull())
                .map(t -> t.asText().toUpperCase(Locale.ROOT));
        boolean schemaBased = named.filter(t -> t.equals("AVRO") || t.equals("JSONSCHEMA") || t.equals("PROTOBUF"))
                .isPresent() || node.has("schema") || node.has("schema_id") || node.has("subject");
        JsonNode data = node.get("data");
        if (schemaBased) {
            return schemaData(node, field, topic, named, data);
        }
        String type = named.orElse("JSON");
        if (data == null || data.isNull()) {
            return new Data(type, null);
        }
        return switch (type) {
            case "BINARY" -> {
                if (!data.isTextual()) {
                    throw RestException.badRequest(field + ".data must be base64 text for BINARY");
                }
                try {
                    yield new Data(type, Base64.getDecoder().decode(data.asText()));
                } catch (IllegalArgumentException e) {
                    throw RestException.badRequest(field + ".data is not valid base64: " + e.getMessage());
                }
            }
            case "STRING" -> new Data(type, data.asText().getBytes(StandardCharsets.UTF_8));
            case "JSON" -> new Data(type, EmbeddedFormat.JSON.decode(data, field));
            default -> throw RestException.badRequest(field + ".type " + type + " is not supported (BINARY, JSON, "
                    + "STRING, AVRO and JSONSCHEMA are)");
        };
    }

    private Data schemaData(JsonNode node, String field, String topic, Optional<String> named, JsonNode data) {
        if (named.filter(t -> t.equals("PROTOBUF")).isPresent()) {
            throw RestException.badRequest(field + ".type PROTOBUF is not supported (AVRO and JSONSCHEMA are)");
        }
        if (node.has("subject_name_strategy")
                && !node.get("subject_name_strategy").asText().equalsIgnoreCase("TOPIC_NAME")) {
            throw RestException.badRequest(field + ".subject_name_strategy: only TOPIC_NAME is supported");
        }
        String subject = node.hasNonNull("subject") ? node.get("subject").asText()
                : SchemaCodec.subject(topic, field.equals("key"));
        Registered schema;
        if (node.hasNonNull("schema")) {
            String type = named.orElseThrow(() -> RestException.badRequest(field + ".type is required with a "
                    + "schema (AVRO or JSONSCHEMA)"));
            schema = schemas.register(subject, type.equals("JSONSCHEMA") ? "JSON" : type, node.get("schema").asText());
        } else {
            Optional<Integer> id = Optional.ofNullable(node.get("schema_id")).filter(n -> !n.isNull())
                    .map(n -> {
                        if (!n.canConvertToInt()) {
                            throw RestException.badRequest(field + ".schema_id must be an integer");
                        }
                        return n.asInt();
                    });
            Optional<String> version = Optional.ofNullable(node.get("schema_version")).filter(n -> !n.isNull())
                    .map(JsonNode::asText);
            schema = schemas.lookup(id, Optional.of(subject), version);
        }
        String type = schema.type().equals("JSON") ? "JSONSCHEMA" : schema.type();
        if (named.isPresent() && !named.get().equals(type)) {
            throw RestException.badRequest(field + ": schema " + schema.id() + " is " + type + ", not "
                    + named.get());
        }
        if (schema.type().equals("PROTOBUF")) {
            throw RestException.badRequest(field + ": schema " + schema.id() + " is PROTOBUF, which is not "
                    + "supported (AVRO and JSONSCHEMA are)");
        }
        return new Data(type, SchemaCodec.encode(schema, data, field), Optional.of(schema));
    }

    /** {@code [{"name":..,"value": base64 or null}]}. */
    private static List<Header> headers(JsonNode node) {
        List<Header> headers = new ArrayList<>();
        if (node == null || node.isNull()) {
            return headers;
        }
        if (!node.isArray()) {
            throw RestException.badRequest("headers must be an array");
        }
        for (JsonNode header : node) {
            JsonNode name = header.get("name");
            if (name == null || !name.isTextual()) {
                throw RestException.badRequest("a header needs a name");
            }
            JsonNode value = header.get("value");
            byte[] bytes = null;
            if (value != null && !value.isNull()) {
                try {
                    bytes = Base64.getDecoder().decode(value.asText());
                } catch (IllegalArgumentException e) {
                    throw RestException.badRequest("header " + name.asText() + " is not valid base64");
                }
            }
            headers.add(new RecordHeader(name.asText(), bytes));
        }
        return headers;
    }

    /**
     * A streamed body that fails once one record runs past the limit (plus the parser's read-ahead), so that a
     * stream without record boundaries cannot fill the heap. Used by one thread.
     */
    private static final class BoundedRecordStream extends FilterInputStream {

        private static final int READ_AHEAD = 64 * 1024;
        private final long limit;
        private long sinceRecord;

        BoundedRecordStream(InputStream in, int maxRecordBytes) {
            super(in);
            this.limit = (long) maxRecordBytes + READ_AHEAD;
        }

        /** A record was parsed: what was read ahead counts against the next one, roughly. */
        void recordDone() {
            sinceRecord = Math.min(sinceRecord, READ_AHEAD);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            sinceRecord += n;
            if (sinceRecord > limit) {
                throw new IOException("A record is larger than rest.max.request.bytes (" + (limit - READ_AHEAD)
                        + ")");
            }
        }
    }
}
