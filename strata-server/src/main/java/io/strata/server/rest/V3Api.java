package io.strata.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Confluent REST Proxy's v3 API, the part Strata serves: read-only listing of the cluster, its topics and
 * partitions ({@code GET /v3/clusters[/{id}[/topics[/{t}[/partitions[/{p}]]]]]}) and produce
 * ({@code POST /v3/clusters/{id}/topics/{t}/records}), one record per request answered by one result, or several
 * (a chunked body streamed as it arrives, or a body of known length) answered by a stream of results in the same
 * order. The resources' JSON is {@link V3Resources}'s, reading a produced record {@link V3RecordParser}'s.
 * Thread-safe.
 */
final class V3Api {

    /** Results produced but not yet written, per stream: a client that does not read its answers is held back. */
    private static final int STREAM_IN_FLIGHT = 10_000;

    private final ClusterView cluster;
    private final KafkaClients clients;
    private final RestConfig config;
    private final V3Resources resources;
    private final V3RecordParser parser;
    private volatile String clusterId;

    V3Api(ClusterView cluster, KafkaClients clients, RestConfig config, String baseUrl, SchemaCodec schemas) {
        this.cluster = cluster;
        this.clients = clients;
        this.config = config;
        this.resources = new V3Resources(baseUrl);
        this.parser = new V3RecordParser(schemas);
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
            Exchanges.send(exchange, 200, Exchanges.JSON, resources.clusterList(clusterId(), cluster.controllerId()));
            return;
        }
        String id = checkCluster(segments.get(1));
        if (segments.size() == 2) {
            Exchanges.send(exchange, 200, Exchanges.JSON, resources.cluster(id, cluster.controllerId()));
            return;
        }
        if (!segments.get(2).equals("topics") || segments.size() > 6
                || (segments.size() >= 5 && !segments.get(4).equals("partitions"))) {
            throw RestException.notFound();
        }
        ObjectNode resource = switch (segments.size()) {
            case 3 -> resources.topicList(id, cluster.topics(true).values());
            case 4 -> resources.topic(id, topic(segments.get(3)));
            case 5 -> resources.partitionList(id, topic(segments.get(3)));
            default -> {
                TopicDescription topic = topic(segments.get(3));
                int partition = V2Topics.partitionId(topic.name(), segments.get(5));
                yield resources.partition(id, topic.name(), ClusterView.partition(topic, partition));
            }
        };
        Exchanges.send(exchange, 200, Exchanges.JSON, resource);
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
        V3RecordParser.Parsed parsed;
        try {
            parsed = parser.parse(body, topic);
        } catch (RestException e) {
            return CompletableFuture.completedFuture(error(e.status(), e.getMessage()));
        }
        return V2Topics.send(clients, parsed.record()).handle((metadata, error) -> {
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
            parsed.key().describe(result, "key");
            parsed.value().describe(result, "value");
            return result;
        });
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode node = Exchanges.MAPPER.createObjectNode();
        node.put("error_code", code);
        node.put("message", message);
        return node;
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
