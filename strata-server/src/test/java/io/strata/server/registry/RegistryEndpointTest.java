package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.server.config.Endpoint;
import io.strata.server.http.HttpService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every path of Confluent's API through HTTP, with its JSON shapes, content type and error codes. */
class RegistryEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}]}";
    /** Adds a field without a default: not BACKWARD compatible. */
    private static final String V2_NO_DEFAULT = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}]}";

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpService http;
    private String base;

    @BeforeEach
    void start() throws Exception {
        http = HttpService.bind("http.listeners", List.of(new Endpoint("HTTP", "127.0.0.1", 0)));
        http.routePrefix(SchemaRegistryService.PATH, new RegistryEndpoint(SchemaRegistryService.PATH,
                MemoryRegistryLog.registry(), Duration.ofSeconds(5))).start();
        base = "http://127.0.0.1:" + http.listeners().getFirst().address().getPort() + SchemaRegistryService.PATH;
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private record Reply(int status, String contentType, String body) {

        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        /** Asserts Confluent's error body and returns its code. */
        int errorCode() throws Exception {
            JsonNode json = json();
            assertThat(json.has("message")).as(body).isTrue();
            int code = json.get("error_code").asInt();
            assertThat(Integer.toString(code)).as(body).startsWith(Integer.toString(status));
            return code;
        }
    }

    private Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private Reply get(String path) throws Exception {
        return call("GET", path, null);
    }

    private static String schemaBody(String schema) throws Exception {
        return JSON.writeValueAsString(Map.of("schema", schema));
    }

    private int register(String subject, String schema) throws Exception {
        Reply reply = call("POST", "/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("id").asInt();
    }

    @Test
    void registersAndReadsBackSubjectsVersionsAndIds() throws Exception {
        assertThat(get("").body()).isEqualTo("{}");
        assertThat(get("/schemas/types").json()).containsExactlyInAnyOrder(
                JSON.valueToTree("JSON"), JSON.valueToTree("PROTOBUF"), JSON.valueToTree("AVRO"));
        assertThat(get("/subjects").body()).isEqualTo("[]");

        Reply registered = call("POST", "/subjects/users-value/versions", schemaBody(V1));
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(registered.body()).isEqualTo("{\"id\":1}");
        assertThat(register("users-value", V1)).as("the same schema again").isEqualTo(1);
        assertThat(register("other-value", V1)).as("the same schema in another subject shares its id").isEqualTo(1);

        assertThat(get("/subjects").json().toString()).isEqualTo("[\"other-value\",\"users-value\"]");
        assertThat(get("/subjects?subjectPrefix=users").json().toString()).isEqualTo("[\"users-value\"]");
        assertThat(get("/subjects/users-value/versions").body()).isEqualTo("[1]");
        JsonNode version = get("/subjects/users-value/versions/1").json();
        assertThat(version.get("subject").asText()).isEqualTo("users-value");
        assertThat(version.get("version").asInt()).isEqualTo(1);
        assertThat(version.get("id").asInt()).isEqualTo(1);
        assertThat(version.has("schemaType")).as("AVRO is implied, as Confluent's API omits it").isFalse();
        assertThat(JSON.readTree(version.get("schema").asText())).isEqualTo(JSON.readTree(V1));
        assertThat(get("/subjects/users-value/versions/latest").json()).isEqualTo(version);
        assertThat(get("/subjects/users-value/versions/-1").json()).isEqualTo(version);
        assertThat(JSON.readTree(get("/subjects/users-value/versions/1/schema").body())).isEqualTo(JSON.readTree(V1));

        assertThat(JSON.readTree(get("/schemas/ids/1").json().get("schema").asText())).isEqualTo(JSON.readTree(V1));
        assertThat(JSON.readTree(get("/schemas/ids/1/schema").body())).isEqualTo(JSON.readTree(V1));
        assertThat(get("/schemas/ids/1/subjects").json().toString()).isEqualTo("[\"other-value\",\"users-value\"]");
        assertThat(get("/schemas/ids/1/versions").json().toString()).isEqualTo(
                "[{\"subject\":\"other-value\",\"version\":1},{\"subject\":\"users-value\",\"version\":1}]");

        register("users-value", V2);
        JsonNode all = get("/schemas").json();
        assertThat(all).extracting(n -> n.get("subject").asText() + "/" + n.get("version").asInt())
                .containsExactly("other-value/1", "users-value/1", "users-value/2");
        assertThat(get("/schemas?latestOnly=true&subjectPrefix=users").json())
                .extracting(n -> n.get("version").asInt()).containsExactly(2);

        Reply lookup = call("POST", "/subjects/users-value", schemaBody(V1));
        assertThat(lookup.json().get("id").asInt()).isEqualTo(1);
        assertThat(lookup.json().get("version").asInt()).isEqualTo(1);
    }

    @Test
    void refusesWithConfluentsErrorCodes() throws Exception {
        register("users-value", V1);
        assertThat(get("/subjects/nobody/versions").errorCode()).isEqualTo(40401);
        assertThat(get("/subjects/nobody/versions/1").errorCode()).isEqualTo(40401);
        assertThat(get("/subjects/users-value/versions/7").errorCode()).isEqualTo(40402);
        assertThat(get("/schemas/ids/99").errorCode()).isEqualTo(40403);
        assertThat(call("POST", "/subjects/users-value", schemaBody(V2)).errorCode()).isEqualTo(40403);
        assertThat(call("POST", "/subjects/nobody", schemaBody(V1)).errorCode()).isEqualTo(40401);
        assertThat(get("/subjects/users-value/versions/0").errorCode()).isEqualTo(42202);
        assertThat(get("/subjects/users-value/versions/first").errorCode()).isEqualTo(42202);
        assertThat(call("POST", "/subjects/users-value/versions", schemaBody("{\"type\":\"nope\"}")).errorCode())
                .isEqualTo(42201);
        assertThat(call("POST", "/subjects/users-value/versions", "{\"schema\":\"{}\",\"schemaType\":\"XML\"}")
                .errorCode()).isEqualTo(42201);
        assertThat(get("/config/users-value").errorCode()).isEqualTo(40408);
        assertThat(get("/mode/users-value").errorCode()).isEqualTo(40409);
        assertThat(call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}").errorCode()).isEqualTo(42203);
        assertThat(call("PUT", "/mode", "{\"mode\":\"WRITEONLY\"}").errorCode()).isEqualTo(42204);

        Reply unknown = get("/nowhere");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo(404);
        assertThat(call("PATCH", "/subjects", null).status()).isEqualTo(405);
        assertThat(get("/subjects/users-value/versions/1/elsewhere").status()).isEqualTo(404);
    }

    @Test
    void checksEvolutionAtTheConfiguredLevel() throws Exception {
        register("users-value", V1);
        Reply refused = call("POST", "/subjects/users-value/versions", schemaBody(V2_NO_DEFAULT));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo(409);
        assertThat(refused.json().get("message").asText()).contains("incompatible");

        JsonNode check = call("POST", "/compatibility/subjects/users-value/versions/latest?verbose=true",
                schemaBody(V2_NO_DEFAULT)).json();
        assertThat(check.get("is_compatible").asBoolean()).isFalse();
        assertThat(check.get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(call("POST", "/compatibility/subjects/users-value/versions/1", schemaBody(V2)).body())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(call("POST", "/compatibility/subjects/users-value/versions", schemaBody(V2)).body())
                .isEqualTo("{\"is_compatible\":true}");

        assertThat(register("users-value", V2)).isEqualTo(2);
        assertThat(get("/subjects/users-value/versions").body()).isEqualTo("[1,2]");

        assertThat(call("PUT", "/config/users-value", "{\"compatibility\":\"NONE\"}").body())
                .isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(register("users-value", V2_NO_DEFAULT)).as("accepted at NONE").isEqualTo(3);
    }

    @Test
    void keepsGlobalAndSubjectConfigsAndModes() throws Exception {
        register("users-value", V1);
        assertThat(get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(call("PUT", "/config", "{\"compatibility\":\"full_transitive\"}").body())
                .isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");
        assertThat(get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        assertThat(get("/config/users-value?defaultToGlobal=true").body())
                .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        call("PUT", "/config/users-value", "{\"compatibility\":\"FORWARD\"}");
        assertThat(get("/config/users-value").body()).isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");
        assertThat(call("DELETE", "/config/users-value", null).body())
                .isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");
        assertThat(get("/config/users-value").errorCode()).isEqualTo(40408);
        assertThat(call("DELETE", "/config", null).body()).isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        assertThat(get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

        assertThat(get("/mode").body()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertThat(call("PUT", "/mode/users-value", "{\"mode\":\"READONLY\"}").body())
                .isEqualTo("{\"mode\":\"READONLY\"}");
        assertThat(get("/mode/users-value").body()).isEqualTo("{\"mode\":\"READONLY\"}");
        assertThat(call("POST", "/subjects/users-value/versions", schemaBody(V2)).errorCode()).isEqualTo(42205);
        assertThat(call("DELETE", "/subjects/users-value", null).errorCode()).isEqualTo(42205);
        assertThat(register("other-value", V2)).as("another subject stays writable").isEqualTo(2);
        assertThat(call("DELETE", "/mode/users-value", null).body()).isEqualTo("{\"mode\":\"READONLY\"}");
        assertThat(register("users-value", V2)).isEqualTo(2);

        assertThat(call("PUT", "/mode", "{\"mode\":\"IMPORT\"}").errorCode()).as("not on a non-empty registry")
                .isEqualTo(42205);
        assertThat(call("PUT", "/mode?force=true", "{\"mode\":\"IMPORT\"}").body()).isEqualTo("{\"mode\":\"IMPORT\"}");
        Reply imported = call("POST", "/subjects/imported-value/versions", JSON.writeValueAsString(
                Map.of("schema", V2_NO_DEFAULT, "id", 100, "version", 7)));
        assertThat(imported.body()).isEqualTo("{\"id\":100}");
        assertThat(get("/subjects/imported-value/versions").body()).isEqualTo("[7]");
    }

    @Test
    void softAndHardDeletesNeverReuseAnId() throws Exception {
        register("users-value", V1);
        register("users-value", V2);
        assertThat(call("DELETE", "/subjects/users-value/versions/2?permanent=true", null).errorCode())
                .as("a hard delete needs a soft one first").isEqualTo(40407);
        assertThat(call("DELETE", "/subjects/users-value/versions/2", null).body()).isEqualTo("2");
        assertThat(call("DELETE", "/subjects/users-value/versions/2", null).errorCode()).isEqualTo(40406);
        assertThat(get("/subjects/users-value/versions").body()).isEqualTo("[1]");
        assertThat(get("/subjects/users-value/versions?deleted=true").body()).isEqualTo("[1,2]");
        assertThat(get("/subjects/users-value/versions/2").errorCode()).isEqualTo(40402);
        assertThat(get("/subjects/users-value/versions/2?deleted=true").json().get("id").asInt()).isEqualTo(2);
        assertThat(get("/schemas/ids/2").status()).as("a soft-deleted schema is still found by id").isEqualTo(200);
        assertThat(call("DELETE", "/subjects/users-value/versions/2?permanent=true", null).body()).isEqualTo("2");
        assertThat(get("/schemas/ids/2").errorCode()).isEqualTo(40403);

        assertThat(call("DELETE", "/subjects/users-value?permanent=true", null).errorCode()).isEqualTo(40405);
        assertThat(call("DELETE", "/subjects/users-value", null).body()).isEqualTo("[1]");
        assertThat(call("DELETE", "/subjects/users-value", null).errorCode()).isEqualTo(40404);
        assertThat(get("/subjects").body()).isEqualTo("[]");
        assertThat(get("/subjects?deleted=true").body()).isEqualTo("[\"users-value\"]");
        assertThat(call("DELETE", "/subjects/users-value?permanent=true", null).body()).isEqualTo("[1]");
        assertThat(get("/subjects?deleted=true").body()).isEqualTo("[]");
        assertThat(call("DELETE", "/subjects/users-value", null).errorCode()).isEqualTo(40401);

        assertThat(register("users-value", V2_NO_DEFAULT)).as("ids 1 and 2 were issued once").isEqualTo(3);
        assertThat(get("/subjects/users-value/versions").body()).as("versions restart").isEqualTo("[1]");
    }

    @Test
    void resolvesReferencesAndRefusesToDeleteAReferencedVersion() throws Exception {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"demo\","
                + "\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        String customer = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"demo\","
                + "\"fields\":[{\"name\":\"home\",\"type\":\"demo.Address\"}]}";
        int addressId = register("address", address);
        String body = JSON.writeValueAsString(Map.of("schema", customer, "references",
                List.of(Map.of("name", "demo.Address", "subject", "address", "version", 1))));
        Reply registered = call("POST", "/subjects/customer-value/versions", body);
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        int customerId = registered.json().get("id").asInt();
        assertThat(customerId).isNotEqualTo(addressId);

        JsonNode byId = get("/schemas/ids/" + customerId).json();
        assertThat(byId.get("references").toString())
                .isEqualTo("[{\"name\":\"demo.Address\",\"subject\":\"address\",\"version\":1}]");
        assertThat(byId.get("schema").asText()).as("the referenced type is named, not inlined")
                .doesNotContain("city");
        assertThat(get("/subjects/address/versions/1/referencedby").body()).isEqualTo("[" + customerId + "]");
        assertThat(call("DELETE", "/subjects/address/versions/1", null).errorCode()).isEqualTo(42206);
        assertThat(call("POST", "/subjects/customer-value", body).json().get("id").asInt()).isEqualTo(customerId);

        String missing = JSON.writeValueAsString(Map.of("schema", customer, "references",
                List.of(Map.of("name", "demo.Address", "subject", "address", "version", 9))));
        assertThat(call("POST", "/subjects/other/versions", missing).errorCode()).isEqualTo(42201);
        assertThat(call("POST", "/subjects/other/versions", schemaBody(customer)).errorCode())
                .as("an unknown named type without its reference").isEqualTo(42201);
    }

    @Test
    void storesJsonSchemaAndProtobufWithTheirType() throws Exception {
        Reply json = call("POST", "/subjects/orders-value/versions",
                "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\": \\\"object\\\"}\"}");
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        int jsonId = json.json().get("id").asInt();
        JsonNode stored = get("/schemas/ids/" + jsonId).json();
        assertThat(stored.get("schemaType").asText()).isEqualTo("JSON");
        assertThat(stored.get("schema").asText()).isEqualTo("{\"type\":\"object\"}");
        assertThat(call("POST", "/subjects/orders-value/versions", "{\"schemaType\":\"JSON\",\"schema\":\"[1\"}")
                .errorCode()).isEqualTo(42201);

        String proto = "syntax = \"proto3\";\nmessage Order { string id = 1; }";
        Reply protobuf = call("POST", "/subjects/orders-proto/versions",
                JSON.writeValueAsString(Map.of("schemaType", "PROTOBUF", "schema", proto)));
        assertThat(protobuf.status()).as(protobuf.body()).isEqualTo(200);
        JsonNode version = get("/subjects/orders-proto/versions/1").json();
        assertThat(version.get("schemaType").asText()).isEqualTo("PROTOBUF");
        assertThat(version.get("schema").asText()).isEqualTo(proto);
        assertThat(call("POST", "/subjects/orders-value/versions", schemaBody(V1)).errorCode())
                .as("an Avro schema after a JSON one under BACKWARD").isEqualTo(409);
    }

    @Test
    void decodesSubjectNamesInPaths() throws Exception {
        assertThat(register("com.example%2Fusers+v1", V1)).isEqualTo(1);
        assertThat(get("/subjects").body()).isEqualTo("[\"com.example/users+v1\"]");
        assertThat(get("/subjects/com.example%2Fusers+v1/versions/1").json().get("subject").asText())
                .isEqualTo("com.example/users+v1");
    }
}
