package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.ScramCredential;
import io.strata.metadata.ScramCredentialChange;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.MetadataConflictException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.junit.jupiter.api.Test;

class ScramControlTest {

    private static final ScramCredential ALICE_512 = new ScramCredential("SCRAM-SHA-512", new byte[] {1},
            new byte[] {2}, new byte[] {3}, 4096);

    @Test
    void upsertsReplaceAndDeletionsRemoveCredentials() throws MetadataConflictException {
        MetadataImage image = apply(ImageBuilder.emptyImage("c"), List.of(
                ScramCredentialChange.upsert("alice", ALICE_512)));
        assertThat(image.scramCredential("alice", "SCRAM-SHA-512")).contains(ALICE_512);
        ScramCredential changed = new ScramCredential("SCRAM-SHA-512", new byte[] {7}, new byte[] {8},
                new byte[] {9}, 8192);
        image = apply(image, List.of(ScramCredentialChange.upsert("alice", changed)));
        assertThat(image.scramCredential("alice", "SCRAM-SHA-512")).contains(changed);
        image = apply(image, List.of(ScramCredentialChange.delete("alice", "SCRAM-SHA-512")));
        assertThat(image.scramCredentials()).isEmpty();
    }

    @Test
    void deletingAMissingCredentialFailsThatChangeOnly() throws MetadataConflictException {
        MetadataImage image = apply(ImageBuilder.emptyImage("c"), List.of(
                ScramCredentialChange.upsert("alice", ALICE_512)));
        Decision<List<Optional<ApiException>>> decision = ScramControl.alter(image, List.of(
                ScramCredentialChange.delete("alice", "SCRAM-SHA-256"),
                ScramCredentialChange.delete("alice", "SCRAM-SHA-512"),
                ScramCredentialChange.upsert("bob", new ScramCredential("SCRAM-SHA-256", new byte[] {1},
                        new byte[] {1}, new byte[] {1}, 4096)),
                ScramCredentialChange.delete("bob", "SCRAM-SHA-256")));
        assertThat(decision.result().get(0)).containsInstanceOf(ResourceNotFoundException.class);
        assertThat(decision.result().subList(1, 4)).allMatch(Optional::isEmpty);
        MetadataImage after = ImageBuilder.applyBatch(image, decision.records(), image.version() + 1);
        assertThat(after.scramCredentials()).isEmpty();
    }

    private static MetadataImage apply(MetadataImage image, List<ScramCredentialChange> changes)
            throws MetadataConflictException {
        Decision<List<Optional<ApiException>>> decision = ScramControl.alter(image, changes);
        assertThat(decision.result()).allMatch(Optional::isEmpty);
        return ImageBuilder.applyBatch(image, decision.records(), image.version() + 1);
    }
}
