package io.strata.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.strata.server.registry.InProcessRegistry.Registered;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Confluent REST Proxy's v2 topic endpoints: {@code GET /topics}, {@code GET /topics/{t}},
 * {@code GET /topics/{t}/partitions[/{p}[/offsets]]}, and produce with {@code POST /topics/{t}} and
 * {@code POST /topics/{t}/partitions/{p}} in the binary and json embedded formats, and in avro and jsonschema with
 * the schemas of the node's registry ({@link SchemaCodec}). Thread-safe (stateless).
 */
final class V2Topics {

    private final ClusterView cluster;
    private final KafkaClients clients;
    private final RestConfig config;
    private final SchemaCodec schemas;

    V2Topics(ClusterView cluster, KafkaClients clients, RestConfig config, SchemaCodec schemas) {
        this.cluster = cluster;
        this.clients = clients;
        this.config = config;
        this.schemas = schemas;
    }

    /** Serves {@code segments} = the path's parts after {@code topics}. */
    void handle(HttpExchange exchange, List<String> segments) throws IOException {
        String method = exchange.getRequestMethod();
        switch (segments.size()) {
            case 0 -> {
                requireGet(method);
                ArrayNode names = Exchanges.MAPPER.createArrayNode();
                cluster.topicNames(false).forEach(names::add);
                Exchanges.send(exchange, 200, Exchanges.V2_JSON, names);
            }
            case 1 -> {
                String topic = segments.get(0);
                if (method.equals("POST")) {
                    produce(exchange, topic, Optional.empty());
                } else {
                    requireGet(method);
                    TopicDescription description = cluster.topic(topic);
                    ObjectNode body = Exchanges.MAPPER.createObjectNode();
                    body.put("name", topic);
                    ObjectNode configs = body.putObject("configs");
                    cluster.configs(topic).forEach(configs::put);
                    ArrayNode partitions = body.putArray("partitions");
                    description.partitions().forEach(p -> partitions.add(partition(p)));
                    Exchanges.send(exchange, 200, Exchanges.V2_JSON, body);
                }
            }
            default -> partitions(exchange, segments, method);
        }
    }

    private void partitions(HttpExchange exchange, List<String> segments, String method) throws IOException {
        if (!segments.get(1).equals("partitions") || segments.size() > 4
                || (segments.size() == 4 && !segments.get(3).equals("offsets"))) {
            throw RestException.notFound();
        }
        String topic = segments.get(0);
        if (segments.size() == 2) {
            requireGet(method);
            ArrayNode partitions = Exchanges.MAPPER.createArrayNode();
            cluster.topic(topic).partitions().forEach(p -> partitions.add(partition(p)));
            Exchanges.send(exchange, 200, Exchanges.V2_JSON, partitions);
            return;
        }
        int id = partitionId(topic, segments.get(2));
        if (segments.size() == 3 && method.equals("POST")) {
            produce(exchange, topic, Optional.of(id));
            return;
        }
        requireGet(method);
        TopicPartitionInfo info = ClusterView.partition(cluster.topic(topic), id);
        if (segments.size() == 3) {
            Exchanges.send(exchange, 200, Exchanges.V2_JSON, partition(info));
        } else {
            ClusterView.Offsets offsets = cluster.offsets(new TopicPartition(topic, id));
            ObjectNode body = Exchanges.MAPPER.createObjectNode();
            body.put("beginning_offset", offsets.beginning());
            body.put("end_offset", offsets.end());
            Exchanges.send(exchange, 200, Exchanges.V2_JSON, body);
        }
    }

    static int partitionId(String topic, String segment) {
        try {
            int id = Integer.parseInt(segment);
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw RestException.partitionNotFound(topic, -1);
    }

    private static void requireGet(String method) {
        if (!method.equals("GET")) {
            throw RestException.methodNotAllowed();
        }
    }

    /** v2's partition: its leader and each replica with whether it leads and is in sync (as the ISR says). */
    private static ObjectNode partition(TopicPartitionInfo info) {
        ObjectNode node = Exchanges.MAPPER.createObjectNode();
        node.put("partition", info.partition());
        if (info.leader() == null || info.leader().isEmpty()) {
            node.put("leader", -1);
        } else {
            node.put("leader", info.leader().id());
        }
        ArrayNode replicas = node.putArray("replicas");
        for (Node replica : info.replicas()) {
            ObjectNode r = replicas.addObject();
            r.put("broker", replica.id());
            r.put("leader", info.leader() != null && info.leader().id() == replica.id());
            r.put("in_sync", info.isr().stream().anyMatch(n -> n.id() == replica.id()));
        }
        return node;
    }

    /**
     * Produces the request's records in order and answers each one's partition and offset or error, as Confluent
     * does: the request fails as a whole only for what concerns all its records (unknown topic or partition, a body
     * that is not the format's JSON, a schema the registry refuses or data that does not fit it); a record Kafka
     * refuses gets {@code error_code} 1 (or 2 when retriable). In a schema-based format the schemas are resolved
     * (registered when given as text) before any record is sent, and their ids answered.
     */
    private void produce(HttpExchange exchange, String topic, Optional<Integer> partition) throws IOException {
        EmbeddedFormat format = EmbeddedFormat.ofContentType(exchange.getRequestHeaders().getFirst("Content-Type"))
                .orElseThrow(() -> new RestException(415, 415, "Content-Type must name an embedded format: "
                        + EmbeddedFormat.BINARY.contentType() + " or " + EmbeddedFormat.JSON.contentType()));
        JsonNode body = Exchanges.object(exchange, config.maxRequestBytes());
        JsonNode records = body.get("records");
        if (records == null || !records.isArray()) {
            throw RestException.unprocessable("Field records must be an array");
        }
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        int partitions = cluster.topic(topic).partitions().size();
        Optional<Registered> keySchema = Optional.empty();
        Optional<Registered> valueSchema = Optional.empty();
        if (format.schemaType().isPresent()) {
            keySchema = schemas.schema(format, topic, true, body.get("key_schema"), body.get("key_schema_id"));
            valueSchema = schemas.schema(format, topic, false, body.get("value_schema"),
                    body.get("value_schema_id"));
        }
        for (JsonNode record : records) {
            if (!record.isObject()) {
                throw RestException.unprocessable("Each record must be a JSON object");
            }
            Integer target = partition.orElse(null);
            JsonNode field = record.get("partition");
            if (partition.isEmpty() && field != null && !field.isNull()) {
                if (!field.canConvertToInt() || field.asInt() < 0) {
                    throw RestException.unprocessable("Field partition must be a non-negative integer");
                }
                target = field.asInt();
            }
            if (target != null && target >= partitions) {
                throw RestException.partitionNotFound(topic, target);
            }
            batch.add(new ProducerRecord<>(topic, target, bytes(format, keySchema, record.get("key"), "key"),
                    bytes(format, valueSchema, record.get("value"), "value")));
        }
        List<CompletableFuture<RecordMetadata>> results = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : batch) {
            results.add(send(clients, record));
        }
        ObjectNode response = Exchanges.MAPPER.createObjectNode();
        keySchema.ifPresentOrElse(k -> response.put("key_schema_id", k.id()),
                () -> response.putNull("key_schema_id"));
        valueSchema.ifPresentOrElse(v -> response.put("value_schema_id", v.id()),
                () -> response.putNull("value_schema_id"));
        ArrayNode offsets = response.putArray("offsets");
        for (CompletableFuture<RecordMetadata> result : results) {
            ObjectNode entry = offsets.addObject();
            try {
                RecordMetadata metadata = result.get();
                entry.put("partition", metadata.partition());
                entry.put("offset", metadata.offset());
                entry.putNull("error_code");
                entry.putNull("error");
            } catch (ExecutionException e) {
                entry.putNull("partition");
                entry.putNull("offset");
                entry.put("error_code", e.getCause() instanceof RetriableException ? 2 : 1);
                entry.put("error", e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RestException(503, 50301, "Interrupted");
            }
        }
        Exchanges.send(exchange, 200, Exchanges.V2_JSON, response);
    }

    /** A record's key or value in {@code format}: a schema-based one needs a schema for any non-null data. */
    private static byte[] bytes(EmbeddedFormat format, Optional<Registered> schema, JsonNode data, String field) {
        if (format.schemaType().isEmpty()) {
            return format.decode(data, field);
        }
        if (data == null || data.isNull()) {
            return null;
        }
        Registered registered = schema.orElseThrow(() -> field.equals("key")
                ? new RestException(422, SchemaCodec.KEY_SCHEMA_MISSING, "Request includes keys but does not "
                        + "include key schema")
                : new RestException(422, SchemaCodec.VALUE_SCHEMA_MISSING, "Request includes values but does not "
                        + "include value schema"));
        return SchemaCodec.encode(registered, data, field);
    }

    /** Sends one record with the shared producer; a failure to even send completes the future exceptionally. */
    static CompletableFuture<RecordMetadata> send(KafkaClients clients, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            clients.producer().send(record, (metadata, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(metadata);
                }
            });
        } catch (RestException e) {
            throw e;
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
