package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.records.MetadataRecord.ClusterIdRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterIdControlTest {

    @Test
    void proposesTheCandidateOnlyWhileTheImageHasNoId() throws Exception {
        Decision<String> first = ClusterIdControl.claim(ImageBuilder.emptyImage(), "mine");
        assertThat(first.records()).containsExactly(new ClusterIdRecord("mine"));
        assertThat(first.result()).isEqualTo("mine");

        MetadataImage named = ImageBuilder.applyBatch(ImageBuilder.emptyImage(),
                List.of(new ClusterIdRecord("theirs")), 1);
        Decision<String> later = ClusterIdControl.claim(named, "mine");
        assertThat(later.records()).isEmpty();
        assertThat(later.result()).isEqualTo("theirs");
    }
}
