package io.strata.metadata;

import static io.strata.metadata.QuorumTestSupport.broker;
import static io.strata.metadata.QuorumTestSupport.config;
import static io.strata.metadata.QuorumTestSupport.topic;
import static io.strata.metadata.QuorumTestSupport.voters;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RatisMetadataQuorumTest {

    private static final Logger log = LoggerFactory.getLogger(RatisMetadataQuorumTest.class);

    @TempDir
    Path dir;

    @Test
    void singleNodeStartsAndCreatesTopics() throws Exception {
        QuorumConfig config = config(1, voters(1), dir);
        long t0 = System.nanoTime();
        try (RatisMetadataQuorum quorum = new RatisMetadataQuorum(config)) {
            quorum.start();
            log.info("single node start took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertThat(quorum.isLeader()).isTrue();
            quorum.registerBroker(broker(1)).get(10, TimeUnit.SECONDS);
            Map<String, TopicOutcome> outcomes = quorum.createTopics(List.of(topic("a", 3, 1)), false)
                    .get(10, TimeUnit.SECONDS);
            assertThat(outcomes.get("a").error()).isEmpty();
            assertThat(quorum.image().topic("a")).get().satisfies(t -> assertThat(t.partitions()).hasSize(3));
        }
    }
}
