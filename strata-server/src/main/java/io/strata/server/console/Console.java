package io.strata.server.console;

import com.sun.net.httpserver.HttpExchange;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.http.HttpService;
import io.strata.server.metrics.BrokerTopicMetrics;
import io.strata.server.security.SelfClientConfig;
import io.strata.storage.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: a static page ({@code /}, {@code /console.js}, {@code /console.css}) and the JSON API under
 * {@code /api/console/} it calls, on the node's {@link HttpService}. Reads come from the node's metadata image and
 * replicas where that is exact and free, everything else and every change through the Kafka clients of
 * {@link ConsoleClients} on the node's own listener.
 *
 * <p>Bounded: at most {@value #CONCURRENT_CALLS} API calls run at once (more get 503), every list is paged, every
 * cluster call has a deadline, and nothing the console does holds a lock the broker needs. Changes are POST or
 * DELETE only, and {@link ConsoleAccess} (same-origin now, authentication once the HTTP listener has it) decides
 * who may make them.
 *
 * <p>Thread-safe. {@link #close} stops the throughput sampler and the clients.
 */
public final class Console implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Console.class);

    static final int CONCURRENT_CALLS = 8;
    static final long SAMPLE_INTERVAL_MS = 2_000;
    /** Five minutes of throughput at one sample per {@value #SAMPLE_INTERVAL_MS} ms. */
    static final int SAMPLES = 150;

    /** One API call: the answer's JSON body (status 200), or an exception mapped to an error status. */
    @FunctionalInterface
    private interface Call {
        Object answer(ConsoleExchange exchange) throws IOException;
    }

    private final ConsoleAccess access;
    private final ConsoleClients clients;
    private final ScheduledExecutorService sampler;
    private final Semaphore calls = new Semaphore(CONCURRENT_CALLS);
    private final OverviewApi overview;
    private final TopicsApi topics;
    private final MessagesApi messages;
    private final GroupsApi groups;
    private final AclsApi acls;
    private final UsersApi users;
    private final QuotasApi quotas;

    private Console(int nodeId, MetadataQuorum quorum, ReplicaManager replicas, BrokerTopicMetrics counters,
                    SelfClientConfig kafka, ConsoleAccess access) {
        this.access = access;
        this.clients = new ConsoleClients(kafka);
        ThroughputHistory history = new ThroughputHistory(counters::totals, System::currentTimeMillis, SAMPLES);
        this.sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("strata-console-sampler").factory());
        sampler.scheduleAtFixedRate(history::sample, 0, SAMPLE_INTERVAL_MS, TimeUnit.MILLISECONDS);
        this.overview = new OverviewApi(nodeId, quorum::image, quorum::describeQuorum, history);
        Function<TopicPartition, Optional<Log>> leaderLog = tp -> replicas.partition(tp)
                .filter(Partition::isLeader).map(Partition::log);
        this.topics = new TopicsApi(quorum::image, tp -> replicas.partition(tp).map(Partition::log), leaderLog,
                clients);
        this.messages = new MessagesApi(quorum::image, clients);
        this.groups = new GroupsApi(quorum::image, leaderLog, clients);
        SecurityCalls security = new AdminSecurityCalls(clients);
        this.acls = new AclsApi(security);
        this.users = new UsersApi(security);
        this.quotas = new QuotasApi(security);
    }

    /**
     * Serves the console on {@code http}.
     *
     * @param kafka     how the console's Kafka clients reach the cluster
     * @param access    who may call the API; {@link ConsoleAccess#sameOrigin()} while there is no authentication
     */
    public static Console register(HttpService http, int nodeId, MetadataQuorum quorum, ReplicaManager replicas,
                                   BrokerTopicMetrics counters, SelfClientConfig kafka, ConsoleAccess access) {
        Console console = new Console(nodeId, quorum, replicas, counters, kafka, access);
        console.routes(http);
        return console;
    }

    private void routes(HttpService http) {
        asset(http, "/", "index.html", "text/html; charset=utf-8");
        asset(http, "/console.js", "console.js", "text/javascript; charset=utf-8");
        asset(http, "/console-security.js", "console-security.js", "text/javascript; charset=utf-8");
        asset(http, "/console.css", "console.css", "text/css; charset=utf-8");
        api(http, "/api/console/overview", Map.of("GET", ex -> overview.overview()));
        api(http, "/api/console/topics", Map.of(
                "GET", ex -> topics.list(ex.param("q"), Paging.of(ex)),
                "POST", this::createTopic));
        api(http, "/api/console/topic", Map.of(
                "GET", ex -> topics.describe(ex.required("name"), Paging.of(ex), ex.flag("configs")),
                "DELETE", ex -> topics.delete(ex.required("name"))));
        api(http, "/api/console/topic/configs", Map.of("POST", this::alterConfigs));
        api(http, "/api/console/messages", Map.of("GET", this::readMessages));
        api(http, "/api/console/groups", Map.of("GET", ex -> groups.list(ex.param("q"), Paging.of(ex))));
        api(http, "/api/console/group", Map.of("GET", ex -> groups.describe(ex.required("id"), Paging.of(ex))));
        api(http, "/api/console/group/reset", Map.of("POST", ex -> groups.reset(ex.required("id"),
                ex.param("topic"), strategy(ex.required("strategy")), ex.longParam("value"), ex.flag("dryRun"))));
        api(http, "/api/console/acls", Map.of(
                "GET", ex -> acls.list(ex.param("resourceType").map(AclsApi::resourceType), ex.param("name"),
                        ex.param("principal"), Paging.of(ex)),
                "POST", ex -> acls.create(AclsApi.binding(ex::param)),
                "DELETE", ex -> acls.delete(AclsApi.binding(ex::param))));
        api(http, "/api/console/users", Map.of(
                "GET", ex -> users.list(ex.param("q"), Paging.of(ex)),
                "POST", ex -> users.upsert(ex.required("name"),
                        UsersApi.mechanism(ex.param("mechanism").orElse("SCRAM-SHA-512")),
                        ex.intParam("iterations", 1, Integer.MAX_VALUE, UsersApi.DEFAULT_ITERATIONS),
                        ex.secret("password")),
                "DELETE", ex -> users.delete(ex.required("name"))));
        api(http, "/api/console/quotas", Map.of(
                "GET", ex -> quotas.list(ex.param("q"), Paging.of(ex)),
                "POST", ex -> quotas.alter(ex.param("user"), ex.param("clientId"),
                        properties(ex.param("set").orElse("")), keys(ex.param("remove").orElse("")),
                        ex.flag("validateOnly"))));
    }

    private Object createTopic(ConsoleExchange ex) {
        Optional<Integer> partitions = ex.param("partitions").map(p -> ex.intParam("partitions", 1, 100_000, 1));
        Optional<Short> replication = ex.param("replicationFactor")
                .map(r -> (short) ex.intParam("replicationFactor", 1, Short.MAX_VALUE, 1));
        return topics.create(ex.required("name"), partitions, replication,
                properties(ex.param("configs").orElse("")), ex.flag("validateOnly"));
    }

    private Object alterConfigs(ConsoleExchange ex) {
        return topics.alterConfigs(ex.required("name"), properties(ex.param("set").orElse("")),
                keys(ex.param("remove").orElse("")), ex.flag("validateOnly"));
    }

    private Object readMessages(ConsoleExchange ex) {
        TopicPartition tp = new TopicPartition(ex.required("topic"), ex.intParam("partition", 0, Integer.MAX_VALUE,
                0));
        int limit = ex.intParam("limit", 1, MessagesApi.MAX_LIMIT, 20);
        MessagesApi.Start start = switch (ex.param("from").orElse("end")) {
            case "beginning" -> new MessagesApi.Start.Beginning();
            case "end" -> new MessagesApi.Start.End();
            case "offset" -> new MessagesApi.Start.AtOffset(ex.longParam("offset")
                    .orElseThrow(() -> new ConsoleExchange.Refusal(400, "missing parameter offset")));
            case "timestamp" -> new MessagesApi.Start.AtTimestamp(ex.longParam("timestamp")
                    .orElseThrow(() -> new ConsoleExchange.Refusal(400, "missing parameter timestamp")));
            default -> throw new ConsoleExchange.Refusal(400, "from is one of beginning, end, offset, timestamp");
        };
        return messages.read(tp, start, limit);
    }

    private static GroupsApi.Strategy strategy(String name) {
        try {
            return GroupsApi.Strategy.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConsoleExchange.Refusal(400, "strategy is one of earliest, latest, offset, timestamp, shift");
        }
    }

    /** {@code key=value} lines (or comma-separated pairs) as a map; 400 on a pair without {@code =}. */
    static Map<String, String> properties(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("[\\n,]")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConsoleExchange.Refusal(400, "expected key=value, got: " + line.trim());
            }
            out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return out;
    }

    /** Names separated by commas or white space. */
    static List<String> keys(String text) {
        List<String> out = new ArrayList<>();
        for (String key : text.split("[,\\s]+")) {
            if (!key.isBlank()) {
                out.add(key.trim());
            }
        }
        return out;
    }

    private static void asset(HttpService http, String path, String resource, String contentType) {
        byte[] body;
        try (InputStream in = Console.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console resource missing: " + resource);
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.route(path, exchange -> {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                error(exchange, 405, "method not allowed");
                return;
            }
            ConsoleExchange.send(exchange, 200, contentType, body);
        });
    }

    private void api(HttpService http, String path, Map<String, Call> byMethod) {
        http.route(path, exchange -> serve(exchange, byMethod));
    }

    private void serve(HttpExchange exchange, Map<String, Call> byMethod) throws IOException {
        String method = exchange.getRequestMethod();
        Call call = byMethod.get(method);
        if (call == null) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", byMethod.keySet()));
            error(exchange, 405, "method not allowed: " + method);
            return;
        }
        Optional<String> denied = access.denied(exchange, !Set.of("GET", "HEAD").contains(method));
        if (denied.isPresent()) {
            error(exchange, 403, denied.get());
            return;
        }
        if (!calls.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            error(exchange, 503, "the console is busy; try again");
            return;
        }
        try {
            ConsoleExchange ex = ConsoleExchange.of(exchange);
            ex.json(200, call.answer(ex));
        } catch (ConsoleExchange.Refusal e) {
            error(exchange, e.status, e.getMessage());
        } catch (ApiException e) {
            kafkaError(exchange, e);
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
        } finally {
            calls.release();
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        ConsoleExchange.error(exchange, status, message, Map.of());
    }

    /** A Kafka error: its message and Kafka's error name, with a status saying whose fault it was. */
    private static void kafkaError(HttpExchange exchange, ApiException e) throws IOException {
        int status = switch (e) {
            case UnknownTopicOrPartitionException u -> 404;
            case GroupIdNotFoundException g -> 404;
            case TopicExistsException t -> 409;
            case ResourceNotFoundException r -> 404;
            case AuthorizationException a -> 403;
            case TimeoutException t -> 504;
            default -> 400;
        };
        if (status == 504) {
            log.debug("Console call timed out: {}", e.toString());
        }
        ConsoleExchange.error(exchange, status, e.getMessage(), Map.of("code", e.getClass().getSimpleName()));
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        clients.close();
    }
}
