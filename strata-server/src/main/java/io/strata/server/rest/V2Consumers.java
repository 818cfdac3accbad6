package io.strata.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;

/**
 * Confluent REST Proxy's v2 consumer endpoints: instances in groups ({@code POST /consumers/{g}},
 * {@code DELETE /consumers/{g}/instances/{i}}), their subscription, assignments, positions, records and offsets.
 * Each instance is a real member of its group, pinned to this node ({@code base_uri} names it). Thread-safe.
 */
final class V2Consumers {

    private static final Duration MAX_POLL = Duration.ofSeconds(30);

    private final ConsumerInstances instances;
    private final KafkaClients clients;
    private final RestConfig config;
    private final String baseUrl;
    private final SchemaCodec schemas;

    /** @param baseUrl {@code http://host:port} where clients reach this node's HTTP server */
    V2Consumers(ConsumerInstances instances, KafkaClients clients, RestConfig config, String baseUrl,
                SchemaCodec schemas) {
        this.schemas = schemas;
        this.instances = instances;
        this.clients = clients;
        this.config = config;
        this.baseUrl = baseUrl;
    }

    /** Serves {@code segments} = the path's parts after {@code consumers}. */
    void handle(HttpExchange exchange, List<String> segments) throws IOException {
        String method = exchange.getRequestMethod();
        if (segments.size() == 1) {
            require(method, "POST");
            create(exchange, segments.get(0));
            return;
        }
        if (segments.size() < 3 || !segments.get(1).equals("instances")) {
            throw RestException.notFound();
        }
        String group = segments.get(0);
        String id = segments.get(2);
        if (segments.size() == 3) {
            require(method, "DELETE");
            instances.remove(group, id);
            Exchanges.noContent(exchange);
            return;
        }
        ConsumerInstance instance = instances.get(group, id);
        String resource = String.join("/", segments.subList(3, segments.size()));
        switch (resource) {
            case "subscription" -> subscription(exchange, instance, method);
            case "assignments" -> assignments(exchange, instance, method);
            case "positions" -> {
                require(method, "POST");
                Map<TopicPartition, Long> offsets = offsets(Exchanges.object(exchange, config.maxRequestBytes()));
                instance.use(c -> {
                    invalidPartition(() -> offsets.forEach(c::seek));
                    return null;
                });
                Exchanges.noContent(exchange);
            }
            case "positions/beginning", "positions/end" -> {
                require(method, "POST");
                List<TopicPartition> partitions = partitions(Exchanges.object(exchange, config.maxRequestBytes()));
                boolean beginning = resource.endsWith("beginning");
                instance.use(c -> {
                    invalidPartition(() -> {
                        if (beginning) {
                            c.seekToBeginning(partitions);
                        } else {
                            c.seekToEnd(partitions);
                        }
                    });
                    return null;
                });
                Exchanges.noContent(exchange);
            }
            case "records" -> {
                require(method, "GET");
                records(exchange, instance);
            }
            case "offsets" -> offsetsResource(exchange, instance, method);
            default -> throw RestException.notFound();
        }
    }

    private static void require(String method, String expected) {
        if (!method.equals(expected)) {
            throw RestException.methodNotAllowed();
        }
    }

    private void create(HttpExchange exchange, String group) throws IOException {
        JsonNode body = Exchanges.json(exchange, config.maxRequestBytes())
                .orElse(Exchanges.MAPPER.createObjectNode());
        if (!body.isObject()) {
            throw RestException.unprocessable("Request body must be a JSON object");
        }
        String id = Optional.ofNullable(body.get("name")).filter(n -> !n.isNull()).map(JsonNode::asText)
                .orElseGet(() -> "rest-consumer-" + UUID.randomUUID());
        if (id.isEmpty() || id.contains("/")) {
            throw invalidConfig("name must be a non-empty string without /");
        }
        String formatName = Optional.ofNullable(body.get("format")).map(JsonNode::asText).orElse("binary");
        EmbeddedFormat format = EmbeddedFormat.byName(formatName).orElseThrow(() -> invalidConfig(
                "format " + formatName + " is not supported (binary, json, avro and jsonschema are)"));
        Map<String, String> settings = new HashMap<>();
        text(body, "auto.offset.reset").map(V2Consumers::offsetReset)
                .ifPresent(v -> settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, v));
        text(body, "auto.commit.enable").map(v -> bool("auto.commit.enable", v))
                .ifPresent(v -> settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, v));
        text(body, "fetch.min.bytes").map(v -> number("fetch.min.bytes", v))
                .ifPresent(v -> settings.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, v));
        Duration requestTimeout = text(body, "consumer.request.timeout.ms")
                .map(v -> Duration.ofMillis(Long.parseLong(number("consumer.request.timeout.ms", v))))
                .orElse(config.defaultRecordsTimeout());
        instances.add(group, id, () -> {
            try {
                return new ConsumerInstance(format, requestTimeout, clients.consumer(group, id, settings));
            } catch (ConfigException e) {
                throw invalidConfig(e.getMessage());
            } catch (KafkaException e) {
                throw RestException.kafka(e);
            }
        });
        ObjectNode response = Exchanges.MAPPER.createObjectNode();
        response.put("instance_id", id);
        response.put("base_uri", baseUrl + "/consumers/" + encode(group) + "/instances/" + encode(id));
        Exchanges.send(exchange, 200, Exchanges.V2_JSON, response);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Optional<String> text(JsonNode body, String field) {
        return Optional.ofNullable(body.get(field)).filter(n -> !n.isNull()).map(JsonNode::asText);
    }

    /** Confluent's values, and the old consumer's {@code smallest}/{@code largest} it still takes. */
    private static String offsetReset(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "earliest", "smallest" -> "earliest";
            case "latest", "largest" -> "latest";
            case "none" -> "none";
            default -> throw invalidConfig("auto.offset.reset must be earliest, latest or none: " + value);
        };
    }

    private static String bool(String key, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw invalidConfig(key + " must be true or false: " + value);
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static String number(String key, String value) {
        try {
            if (Long.parseLong(value) >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw invalidConfig(key + " must be a non-negative integer: " + value);
    }

    private static RestException invalidConfig(String message) {
        return new RestException(422, 42204, "Invalid consumer configuration: " + message);
    }

    private void subscription(HttpExchange exchange, ConsumerInstance instance, String method) throws IOException {
        switch (method) {
            case "POST" -> {
                JsonNode body = Exchanges.object(exchange, config.maxRequestBytes());
                JsonNode topics = body.get("topics");
                JsonNode pattern = body.get("topic_pattern");
                if ((topics == null) == (pattern == null)) {
                    throw RestException.unprocessable("Give either topics or topic_pattern");
                }
                instance.use(c -> {
                    conflicting(() -> {
                        if (topics != null) {
                            List<String> names = new ArrayList<>();
                            topics.forEach(t -> names.add(t.asText()));
                            c.subscribe(names);
                        } else {
                            try {
                                c.subscribe(Pattern.compile(pattern.asText()));
                            } catch (PatternSyntaxException e) {
                                throw RestException.unprocessable("Invalid topic_pattern: " + e.getMessage());
                            }
                        }
                    });
                    return null;
                });
                Exchanges.noContent(exchange);
            }
            case "GET" -> {
                Set<String> topics = instance.use(c -> new TreeSet<>(c.subscription()));
                ObjectNode body = Exchanges.MAPPER.createObjectNode();
                ArrayNode array = body.putArray("topics");
                topics.forEach(array::add);
                Exchanges.send(exchange, 200, Exchanges.V2_JSON, body);
            }
            case "DELETE" -> {
                instance.use(c -> {
                    c.unsubscribe();
                    return null;
                });
                Exchanges.noContent(exchange);
            }
            default -> throw RestException.methodNotAllowed();
        }
    }

    private void assignments(HttpExchange exchange, ConsumerInstance instance, String method) throws IOException {
        switch (method) {
            case "POST" -> {
                List<TopicPartition> partitions = partitions(Exchanges.object(exchange, config.maxRequestBytes()));
                instance.use(c -> {
                    conflicting(() -> c.assign(partitions));
                    return null;
                });
                Exchanges.noContent(exchange);
            }
            case "GET" -> {
                Set<TopicPartition> assigned = instance.use(KafkaConsumer::assignment);
                ObjectNode body = Exchanges.MAPPER.createObjectNode();
                ArrayNode array = body.putArray("partitions");
                assigned.stream().sorted(V2Consumers::compare).forEach(p -> {
                    ObjectNode node = array.addObject();
                    node.put("topic", p.topic());
                    node.put("partition", p.partition());
                });
                Exchanges.send(exchange, 200, Exchanges.V2_JSON, body);
            }
            default -> throw RestException.methodNotAllowed();
        }
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }

    /** Subscribing after assigning (or the reverse): Confluent's 40901. */
    private static void conflicting(Runnable action) {
        try {
            action.run();
        } catch (IllegalStateException e) {
            throw new RestException(409, 40901, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw RestException.unprocessable(e.getMessage());
        }
    }

    /** Seeking a partition the instance does not have: Confluent's 42202. */
    private static void invalidPartition(Runnable action) {
        try {
            action.run();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new RestException(422, 42202, "Invalid offset or partition: " + e.getMessage());
        }
    }

    /**
     * Up to {@code max_bytes} of keys and values, waiting at most {@code timeout} ms for the first; the records
     * polled beyond that are given back (the consumer seeks to the first one not returned), so none is skipped.
     */
    private void records(HttpExchange exchange, ConsumerInstance instance) throws IOException {
        // An Accept that names embedded formats must name the instance's; one naming none (*/*) takes it.
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        boolean namesFormats = false;
        boolean namesOurs = false;
        for (String type : accept == null ? new String[0] : accept.split(",")) {
            try {
                Optional<EmbeddedFormat> named = EmbeddedFormat.ofContentType(type.trim());
                namesFormats |= named.isPresent();
                namesOurs |= named.filter(f -> f == instance.format()).isPresent();
            } catch (RestException unsupported) {
                namesFormats = true; // avro and the like, which no instance here answers in
            }
        }
        if (namesFormats && !namesOurs) {
            throw new RestException(406, 40601, "The requested embedded data format does not match the "
                    + "deserializer for this consumer instance (" + instance.format().formatName() + ")");
        }
        Map<String, String> query = Exchanges.query(exchange);
        Duration timeout = Optional.ofNullable(query.get("timeout")).map(v -> Duration.ofMillis(Long.parseLong(
                number("timeout", v)))).orElse(instance.requestTimeout());
        if (timeout.compareTo(MAX_POLL) > 0) {
            timeout = MAX_POLL;
        }
        long maxBytes = Optional.ofNullable(query.get("max_bytes")).map(v -> Long.parseLong(number("max_bytes", v)))
                .map(v -> Math.min(v, config.maxRecordsBytes())).orElse((long) config.maxRecordsBytes());
        Duration wait = timeout;
        EmbeddedFormat format = instance.format();
        ArrayNode body = instance.use(c -> {
            ConsumerRecords<byte[], byte[]> polled;
            try {
                polled = c.poll(wait);
            } catch (IllegalStateException e) {
                throw new RestException(409, 409, e.getMessage());
            } catch (KafkaException e) {
                throw RestException.kafka(e);
            }
            ArrayNode records = Exchanges.MAPPER.createArrayNode();
            long bytes = 0;
            Map<TopicPartition, Long> giveBack = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : polled) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                long size = (record.key() == null ? 0 : record.key().length)
                        + (record.value() == null ? 0 : record.value().length);
                // The first record always goes, so that one larger than max_bytes cannot block the partition.
                if (giveBack.containsKey(partition) || (!records.isEmpty() && bytes + size > maxBytes)) {
                    giveBack.putIfAbsent(partition, record.offset());
                    continue;
                }
                bytes += size;
                ObjectNode node = Exchanges.MAPPER.createObjectNode();
                node.put("topic", record.topic());
                try {
                    node.set("key", json(format, record.key()));
                    node.set("value", json(format, record.value()));
                } catch (RestException e) {
                    // Nothing of this poll is returned, so nothing of it may count as consumed.
                    for (TopicPartition p : polled.partitions()) {
                        c.seek(p, polled.records(p).getFirst().offset());
                    }
                    throw e;
                }
                node.put("partition", record.partition());
                node.put("offset", record.offset());
                records.add(node);
            }
            giveBack.forEach(c::seek);
            return records;
        });
        Exchanges.send(exchange, 200, format.contentType(), body);
    }

    private JsonNode json(EmbeddedFormat format, byte[] bytes) {
        return format.schemaType().isPresent() ? schemas.decode(format, bytes) : format.encode(bytes);
    }

    private void offsetsResource(HttpExchange exchange, ConsumerInstance instance, String method)
            throws IOException {
        switch (method) {
            case "POST" -> {
                Optional<JsonNode> body = Exchanges.json(exchange, config.maxRequestBytes());
                // Confluent's offsets are of the last record consumed; Kafka commits the next one to read.
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                body.filter(b -> b.has("offsets")).ifPresent(b -> offsets(b).forEach((p, o) ->
                        commit.put(p, new OffsetAndMetadata(o + 1))));
                instance.use(c -> {
                    try {
                        if (commit.isEmpty()) {
                            c.commitSync();
                        } else {
                            c.commitSync(commit);
                        }
                    } catch (KafkaException e) {
                        throw RestException.kafka(e);
                    }
                    return null;
                });
                exchange.sendResponseHeaders(200, -1);
            }
            case "GET" -> {
                List<TopicPartition> partitions = partitions(Exchanges.object(exchange, config.maxRequestBytes()));
                Map<TopicPartition, OffsetAndMetadata> committed = instance.use(c -> {
                    try {
                        return c.committed(Set.copyOf(partitions));
                    } catch (KafkaException e) {
                        throw RestException.kafka(e);
                    }
                });
                ObjectNode body = Exchanges.MAPPER.createObjectNode();
                ArrayNode array = body.putArray("offsets");
                for (TopicPartition p : partitions) {
                    OffsetAndMetadata offset = committed.get(p);
                    ObjectNode node = array.addObject();
                    node.put("topic", p.topic());
                    node.put("partition", p.partition());
                    // Kafka's -1: the group has committed nothing for the partition.
                    node.put("offset", offset == null ? -1 : offset.offset());
                    node.put("metadata", offset == null ? "" : offset.metadata());
                }
                Exchanges.send(exchange, 200, Exchanges.V2_JSON, body);
            }
            default -> throw RestException.methodNotAllowed();
        }
    }

    /** {@code {"partitions":[{"topic":..,"partition":..}]}}. */
    private static List<TopicPartition> partitions(JsonNode body) {
        JsonNode array = body.get("partitions");
        if (array == null || !array.isArray()) {
            throw RestException.unprocessable("Field partitions must be an array");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (JsonNode node : array) {
            partitions.add(new TopicPartition(Exchanges.textField(node, "topic"), Exchanges.intField(node,
                    "partition")));
        }
        return partitions;
    }

    /** {@code {"offsets":[{"topic":..,"partition":..,"offset":..}]}}. */
    private static Map<TopicPartition, Long> offsets(JsonNode body) {
        JsonNode array = body.get("offsets");
        if (array == null || !array.isArray()) {
            throw RestException.unprocessable("Field offsets must be an array");
        }
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (JsonNode node : array) {
            JsonNode offset = node.get("offset");
            if (offset == null || !offset.canConvertToLong() || offset.asLong() < 0) {
                throw new RestException(422, 42202, "Invalid offset: " + offset);
            }
            offsets.put(new TopicPartition(Exchanges.textField(node, "topic"), Exchanges.intField(node,
                    "partition")), offset.asLong());
        }
        return offsets;
    }
}
