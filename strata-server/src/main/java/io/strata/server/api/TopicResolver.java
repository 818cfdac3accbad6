package io.strata.server.api;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.TopicImage;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/** Finds a request's topic by id (newer versions) or by name, and the error to answer when it is unknown. */
record TopicResolver(MetadataImage image, boolean byId) {

    Optional<TopicImage> find(String name, Uuid id) {
        return byId ? image.topic(id) : image.topic(name);
    }

    Errors unknownError() {
        return byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
}
