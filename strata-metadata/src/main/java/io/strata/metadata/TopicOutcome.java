package io.strata.metadata;

import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;

/** The outcome for one topic of a controller request: its id on success, or the error. */
public record TopicOutcome(String name, Uuid topicId, int numPartitions, short replicationFactor,
                           Optional<ApiException> error) {

    public static TopicOutcome failed(String name, ApiException error) {
        return new TopicOutcome(name, Uuid.ZERO_UUID, -1, (short) -1, Optional.of(error));
    }
}
