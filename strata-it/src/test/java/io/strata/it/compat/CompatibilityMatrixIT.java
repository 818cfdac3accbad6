package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code docs/compatibility.md} true: the client matrix agrees with the {@link CompatCell}-marked tests of
 * this package both ways, its pinned versions are the ones the build uses, and the API table lists exactly the API
 * versions a live node advertises, beside the ranges of the Apache Kafka release whose clients the build uses.
 */
class CompatibilityMatrixIT {

    private static final Pattern MATRIX = Pattern.compile(
            "<!-- compat-matrix:start -->\\s*\\n(.*?)\\n\\s*<!-- compat-matrix:end -->", Pattern.DOTALL);
    private static final Pattern API_ROW = Pattern.compile("^\\| [^|]*\\((\\d+)\\) \\|([^|]*)\\|([^|]*)\\|\\s*$");
    private static final Pattern RANGE = Pattern.compile("^\\s*(\\d+)(?:-(\\d+))?(\\s|$)");

    @TempDir
    Path dir;

    /** A matrix cell as the document states it. */
    record Cell(String text) {
        boolean working() {
            return text.startsWith("✅");
        }

        boolean broken() {
            return text.startsWith("❌");
        }

        boolean notApplicable() {
            return text.equals("—");
        }
    }

    private static String doc() throws IOException {
        return Files.readString(Path.of(System.getProperty("compat.docs", "../docs/compatibility.md")),
                StandardCharsets.UTF_8);
    }

    private static List<String> cells(String row) {
        String trimmed = row.trim();
        return Stream.of(trimmed.substring(1, trimmed.length() - 1).split("\\|")).map(String::trim).toList();
    }

    /** The matrix by client and feature, and each client's "Version tested" text. */
    private static Map<Client, Map<Feature, Cell>> matrix(Map<Client, String> versions) throws IOException {
        Matcher m = MATRIX.matcher(doc());
        assertThat(m.find()).as("compat-matrix markers in docs/compatibility.md").isTrue();
        List<String> rows = m.group(1).lines().filter(l -> l.startsWith("|")).toList();
        List<String> header = cells(rows.get(0));
        assertThat(header.subList(0, 2)).containsExactly("Client", "Version tested");
        Map<Feature, Integer> columns = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) {
            assertThat(header).as("matrix columns").contains(f.header());
            columns.put(f, header.indexOf(f.header()));
        }
        assertThat(header).as("matrix columns").hasSize(2 + Feature.values().length);
        Map<Client, Map<Feature, Cell>> matrix = new EnumMap<>(Client.class);
        for (String row : rows.subList(2, rows.size())) {
            List<String> cells = cells(row);
            assertThat(cells).as("cells of %s", row).hasSize(header.size());
            Client client = Stream.of(Client.values()).filter(c -> cells.get(0).equals("`" + c.id() + "`"))
                    .findFirst().orElseThrow(() -> new AssertionError("unknown client row " + row));
            versions.put(client, cells.get(1));
            Map<Feature, Cell> byFeature = new EnumMap<>(Feature.class);
            columns.forEach((f, i) -> byFeature.put(f, new Cell(cells.get(i))));
            assertThat(matrix.put(client, byFeature)).as("second row for %s", client).isNull();
        }
        assertThat(matrix.keySet()).as("matrix rows").containsExactlyInAnyOrder(Client.values());
        return matrix;
    }

    /** Every {@link CompatCell} of the test classes in this package, with the test that proves it. */
    private static Map<String, List<String>> provenCells() throws IOException, URISyntaxException,
            ClassNotFoundException {
        Path packageDir = Path.of(CompatibilityMatrixIT.class.getResource("").toURI());
        Map<String, List<String>> proven = new TreeMap<>();
        try (Stream<Path> files = Files.list(packageDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith("IT.class")).toList()) {
                String name = file.getFileName().toString();
                Class<?> type = Class.forName(CompatibilityMatrixIT.class.getPackageName() + "."
                        + name.substring(0, name.length() - ".class".length()));
                for (Method method : type.getDeclaredMethods()) {
                    for (CompatCell cell : method.getAnnotationsByType(CompatCell.class)) {
                        proven.computeIfAbsent(key(cell.client(), cell.feature()), k -> new ArrayList<>())
                                .add(type.getSimpleName() + "." + method.getName());
                    }
                }
            }
        }
        return proven;
    }

    private static String key(Client client, Feature feature) {
        return client.id() + " / " + feature.header();
    }

    @Test
    void everyWorkingCellHasATestAndEveryTestedCellIsMarkedWorking() throws Exception {
        Map<Client, Map<Feature, Cell>> matrix = matrix(new EnumMap<>(Client.class));
        Map<String, List<String>> proven = provenCells();
        assertThat(proven).as("cells proven by @CompatCell tests").isNotEmpty();

        List<String> workingWithoutTest = new ArrayList<>();
        List<String> testedButNotWorking = new ArrayList<>();
        List<String> brokenWithoutReason = new ArrayList<>();
        List<String> unknownMarks = new ArrayList<>();
        matrix.forEach((client, row) -> row.forEach((feature, cell) -> {
            String key = key(client, feature);
            if (cell.working() && !proven.containsKey(key)) {
                workingWithoutTest.add(key);
            }
            if (!cell.working() && proven.containsKey(key)) {
                testedButNotWorking.add(key + " (" + proven.get(key) + ")");
            }
            if (cell.broken() && cell.text().substring(1).isBlank()) {
                brokenWithoutReason.add(key);
            }
            if (!cell.working() && !cell.broken() && !cell.notApplicable()) {
                unknownMarks.add(key + ": " + cell.text());
            }
        }));
        assertThat(workingWithoutTest).as("cells marked ✅ with no @CompatCell test").isEmpty();
        assertThat(testedButNotWorking).as("cells with a @CompatCell test but not marked ✅").isEmpty();
        assertThat(brokenWithoutReason).as("cells marked ❌ with no reason").isEmpty();
        assertThat(unknownMarks).as("cells that are neither ✅, ❌ nor —").isEmpty();
    }

    @Test
    void pinnedVersionsInTheMatrixAreTheOnesTheBuildUses() throws Exception {
        Map<Client, String> versions = new EnumMap<>(Client.class);
        matrix(versions);

        assertThat(versions.get(Client.JAVA_2)).isEqualTo("kafka-clients " + System.getProperty("compat.kafka2.version"));
        assertThat(versions.get(Client.JAVA_3)).isEqualTo("kafka-clients " + System.getProperty("compat.kafka3.version"));
        assertThat(versions.get(Client.KAFKA_TOOLS)).endsWith("kafka-tools " + AppInfoParser.getVersion());
        Matcher kafkajs = Pattern.compile("\"kafkajs\": \"([^\"]+)\"")
                .matcher(Files.readString(Resources.path("kafkajs/package.json")));
        assertThat(kafkajs.find()).isTrue();
        assertThat(versions.get(Client.KAFKAJS)).startsWith("KafkaJS " + kafkajs.group(1) + " ");
    }

    @Test
    void apiTableListsExactlyWhatANodeAdvertisesBesideKafkasRanges() throws Exception {
        Map<Integer, String[]> documented = new TreeMap<>();
        for (String line : doc().lines().toList()) {
            Matcher row = API_ROW.matcher(line);
            if (row.matches()) {
                documented.put(Integer.parseInt(row.group(1)), new String[] {row.group(2), row.group(3)});
            }
        }
        Map<Integer, String> advertised = new TreeMap<>();
        try (CompatNode node = CompatNode.start(dir)) {
            for (ApiVersionsResponseData.ApiVersion v : apiVersions(node.bootstrap()).data().apiKeys()) {
                advertised.put((int) v.apiKey(), range(v.minVersion(), v.maxVersion()));
            }
        }

        Map<Integer, String> documentedStrata = new TreeMap<>();
        Map<Integer, String> documentedKafka = new TreeMap<>();
        Map<Integer, String> kafka = new TreeMap<>();
        documented.forEach((key, columns) -> {
            documentedStrata.put(key, leadingRange(columns[0]));
            documentedKafka.put(key, leadingRange(columns[1]));
            ApiKeys api = ApiKeys.forId(key);
            kafka.put(key, range(api.oldestVersion(), api.latestVersion(false)));
        });
        assertThat(documentedStrata).as("Strata column of the API table vs what a node advertises")
                .isEqualTo(advertised);
        assertThat(documentedKafka).as("Apache Kafka column of the API table vs kafka-clients %s",
                AppInfoParser.getVersion()).isEqualTo(kafka);
    }

    private static String range(int min, int max) {
        return min == max ? String.valueOf(min) : min + "-" + max;
    }

    private static String leadingRange(String text) {
        Matcher m = RANGE.matcher(text);
        return m.find() ? (m.group(2) == null ? m.group(1) : m.group(1) + "-" + m.group(2)) : text.trim();
    }

    /** One ApiVersions round trip on a bare socket: what the node advertises, unfiltered by any client. */
    private static ApiVersionsResponse apiVersions(String bootstrap) throws IOException {
        String[] hostPort = bootstrap.split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 10_000);
            socket.setSoTimeout(10_000);
            short version = 3;
            ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData()
                    .setClientSoftwareName("strata-compat").setClientSoftwareVersion("1"), version);
            RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, version, "compat-matrix", 1);
            ByteBuffer bytes = request.serializeWithHeader(header);
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(bytes.remaining()).array());
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return (ApiVersionsResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
        }
    }
}
