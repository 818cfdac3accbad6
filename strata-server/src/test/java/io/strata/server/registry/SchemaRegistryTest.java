package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The registry's decisions: transitive levels, ids under concurrency, and state rebuilt from its records. */
class SchemaRegistryTest {

    private static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"User\",\"fields\":[" + fields + "]}";
    }

    private static RegisterRequest avro(String text) {
        return RegisterRequest.of(SchemaType.AVRO, text);
    }

    /** v1 {a:int}, v2 {} and v3 {a:string=""}: v3 reads v2's data but not v1's (int is not a string). */
    private static final List<String> BACKWARD_CHAIN = List.of(record("{\"name\":\"a\",\"type\":\"int\"}"),
            record(""), record("{\"name\":\"a\",\"type\":\"string\",\"default\":\"\"}"));
    /** v1 {a:string=""}, v2 {} and v3 {a:int}: v2 reads v3's data, v1 does not. */
    private static final List<String> FORWARD_CHAIN = List.of(
            record("{\"name\":\"a\",\"type\":\"string\",\"default\":\"\"}"), record(""),
            record("{\"name\":\"a\",\"type\":\"int\"}"));
    /** v1 {a:string=""}, v2 {} and v3 {a:int=0}: FULL with v2, neither way with v1. */
    private static final List<String> FULL_CHAIN = List.of(
            record("{\"name\":\"a\",\"type\":\"string\",\"default\":\"\"}"), record(""),
            record("{\"name\":\"a\",\"type\":\"int\",\"default\":0}"));

    /** Registers the first two of a chain at {@code level} and returns whether the third is accepted. */
    private static boolean acceptsThird(CompatibilityLevel level, List<String> chain) {
        SchemaRegistry registry = MemoryRegistryLog.registry();
        registry.setConfig(Optional.of("s"), level);
        registry.register("s", avro(chain.get(0)), false);
        registry.register("s", avro(chain.get(1)), false);
        try {
            registry.register("s", avro(chain.get(2)), false);
            return true;
        } catch (RegistryException e) {
            assertThat(e.errorCode()).isEqualTo(409);
            return false;
        }
    }

    @Test
    void transitiveLevelsCheckEveryLiveVersion() {
        assertThat(acceptsThird(CompatibilityLevel.BACKWARD, BACKWARD_CHAIN)).isTrue();
        assertThat(acceptsThird(CompatibilityLevel.BACKWARD_TRANSITIVE, BACKWARD_CHAIN)).isFalse();
        assertThat(acceptsThird(CompatibilityLevel.FORWARD, FORWARD_CHAIN)).isTrue();
        assertThat(acceptsThird(CompatibilityLevel.FORWARD_TRANSITIVE, FORWARD_CHAIN)).isFalse();
        assertThat(acceptsThird(CompatibilityLevel.FULL, FULL_CHAIN)).isTrue();
        assertThat(acceptsThird(CompatibilityLevel.FULL_TRANSITIVE, FULL_CHAIN)).isFalse();
        assertThat(acceptsThird(CompatibilityLevel.NONE, FULL_CHAIN)).isTrue();
    }

    @Test
    void softDeletedVersionsAreNotCheckedAgainst() {
        SchemaRegistry registry = MemoryRegistryLog.registry();
        registry.setConfig(Optional.of("s"), CompatibilityLevel.BACKWARD_TRANSITIVE);
        registry.register("s", avro(BACKWARD_CHAIN.get(0)), false);
        registry.register("s", avro(BACKWARD_CHAIN.get(1)), false);
        registry.deleteVersion("s", "1", false);
        assertThat(registry.register("s", avro(BACKWARD_CHAIN.get(2)), false)).isEqualTo(3);
        assertThat(registry.versions("s", false)).containsExactly(2, 3);
    }

    @Test
    void concurrentRegistrationsTakeDistinctIdsAndVersions() throws Exception {
        SchemaRegistry registry = MemoryRegistryLog.registry();
        registry.setConfig(Optional.empty(), CompatibilityLevel.NONE);
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String schema = record("{\"name\":\"f" + i + "\",\"type\":\"int\"}");
                futures.add(pool.submit(() -> registry.register("s", avro(schema), false)));
            }
            for (Future<Integer> f : futures) {
                ids.add(f.get());
            }
        }
        assertThat(ids).hasSize(64);
        assertThat(registry.versions("s", false)).hasSize(64).doesNotHaveDuplicates();
    }

    @Test
    void aCompactedLogRebuildsTheSameStateAndNeverReusesIds() {
        RegistryState state = new RegistryState();
        MemoryRegistryLog log = new MemoryRegistryLog(state);
        SchemaRegistry registry = new SchemaRegistry(state, log);
        registry.register("a", avro(record("")), false);
        registry.register("b", avro(record("{\"name\":\"x\",\"type\":\"int\",\"default\":0}")), false);
        registry.setConfig(Optional.of("a"), CompatibilityLevel.FULL);
        registry.setMode(Optional.of("a"), RegistryMode.READONLY, false);
        registry.deleteMode(Optional.of("a"));
        registry.deleteSubject("b", false);
        registry.deleteSubject("b", true);

        for (RegistryState rebuilt : List.of(log.replay(), log.replayCompacted())) {
            SchemaRegistry restarted = new SchemaRegistry(rebuilt, new MemoryRegistryLog(rebuilt));
            assertThat(restarted.subjects("", true)).containsExactly("a");
            assertThat(restarted.version("a", "1", false).id()).isEqualTo(1);
            assertThat(restarted.config(Optional.of("a"), false)).isEqualTo(CompatibilityLevel.FULL);
            assertThatThrownBy(() -> restarted.mode(Optional.of("a"), false)).isInstanceOf(RegistryException.class);
            assertThatThrownBy(() -> restarted.schema(2)).isInstanceOf(RegistryException.class);
            assertThat(restarted.register("c", avro(record("{\"name\":\"y\",\"type\":\"int\"}")), false))
                    .as("id 2 was issued before its hard delete").isEqualTo(3);
        }
    }
}
