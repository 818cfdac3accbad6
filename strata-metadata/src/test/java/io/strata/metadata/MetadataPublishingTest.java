package io.strata.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.ImageDelta;
import io.strata.metadata.records.MetadataRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class MetadataPublishingTest {

    private static MetadataImage withTopic(MetadataImage base, String name) throws Exception {
        Uuid id = Uuid.randomUuid();
        return ImageBuilder.applyBatch(base, List.of(new MetadataRecord.TopicRecord(name, id),
                new MetadataRecord.PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0)), base.version() + 1);
    }

    /** Records what it was given; fails while {@code failures} is positive. */
    private static final class Recorder implements MetadataPublisher {
        final List<ImageDelta> deltas = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final String name;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void publish(ImageDelta delta) {
            calls.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("injected");
            }
            deltas.add(delta);
        }
    }

    @Test
    void publishesDeltasInOrderOffTheCallersThread() throws Exception {
        Recorder first = new Recorder("first");
        Recorder second = new Recorder("second");
        try (MetadataPublishing publishing = new MetadataPublishing(3, 1, e -> { })) {
            publishing.register(first);
            publishing.register(second);
            publishing.start();
            MetadataImage one = withTopic(ImageBuilder.emptyImage("c"), "a");
            publishing.offer(one);
            publishing.awaitPublished(one.version()).get(10, TimeUnit.SECONDS);
            MetadataImage two = withTopic(one, "b");
            publishing.offer(two);
            publishing.offer(one);
            publishing.awaitPublished(two.version()).get(10, TimeUnit.SECONDS);

            assertThat(first.deltas).hasSize(2);
            assertThat(first.deltas.get(0).changedTopics()).extracting(TopicImage::name).containsExactly("a");
            assertThat(first.deltas.get(1).changedTopics()).extracting(TopicImage::name).containsExactly("b");
            assertThat(second.deltas).extracting(ImageDelta::image).containsExactly(one, two);
        }
    }

    @Test
    void aFailedDeltaIsRetriedAndLaterPublishersWait() throws Exception {
        Recorder first = new Recorder("first");
        Recorder second = new Recorder("second");
        first.failures.set(2);
        try (MetadataPublishing publishing = new MetadataPublishing(5, 1, e -> { })) {
            publishing.register(first);
            publishing.register(second);
            publishing.start();
            MetadataImage one = withTopic(ImageBuilder.emptyImage("c"), "a");
            publishing.offer(one);
            publishing.awaitPublished(one.version()).get(10, TimeUnit.SECONDS);
            assertThat(first.calls).hasValue(3);
            assertThat(second.calls).hasValue(1);
            assertThat(first.deltas).singleElement().satisfies(d ->
                    assertThat(d.changedTopics()).extracting(TopicImage::name).containsExactly("a"));
        }
    }

    @Test
    void aDeltaThatKeepsFailingStopsPublishingLoudly() throws Exception {
        Recorder broken = new Recorder("broken");
        broken.failures.set(Integer.MAX_VALUE);
        CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        try (MetadataPublishing publishing = new MetadataPublishing(3, 1, fatal::complete)) {
            publishing.register(broken);
            publishing.start();
            MetadataImage one = withTopic(ImageBuilder.emptyImage("c"), "a");
            publishing.offer(one);
            assertThat(fatal.get(10, TimeUnit.SECONDS)).hasMessageContaining("after 3 attempts");
            assertThat(broken.calls).hasValue(3);
            assertThatThrownBy(() -> publishing.awaitPublished(one.version()).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void imagesOfferedWhilePublishingAreCoalesced() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<ImageDelta> seen = new CopyOnWriteArrayList<>();
        MetadataPublisher slow = new MetadataPublisher() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public void publish(ImageDelta delta) throws Exception {
                seen.add(delta);
                release.await();
            }
        };
        try (MetadataPublishing publishing = new MetadataPublishing(3, 1, e -> { })) {
            publishing.register(slow);
            publishing.start();
            MetadataImage one = withTopic(ImageBuilder.emptyImage("c"), "a");
            publishing.offer(one);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            MetadataImage two = withTopic(one, "b");
            MetadataImage three = withTopic(two, "c");
            publishing.offer(two);
            publishing.offer(three);
            release.countDown();
            publishing.awaitPublished(three.version()).get(10, TimeUnit.SECONDS);
            assertThat(seen).hasSize(2);
            assertThat(seen.get(1).changedTopics()).extracting(TopicImage::name).containsExactlyInAnyOrder("b", "c");
        }
    }
}
