package io.strata.metadata.controller;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.ScramCredential;
import io.strata.metadata.ScramCredentialChange;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.RemoveScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.ScramCredentialRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ResourceNotFoundException;

/**
 * Decides SCRAM credential changes (Kafka's AlterUserScramCredentials at the controller): upserts always apply,
 * a deletion applies only when the credential exists in the image (or is upserted earlier in the same request).
 * Validation of mechanisms, iterations and duplicates happens at the broker, before the request gets here.
 *
 * <p>Stateless and thread-safe.
 */
public final class ScramControl {

    private ScramControl() {
    }

    /** One outcome per change, in order: empty on success, else the change's error. */
    public static Decision<List<Optional<ApiException>>> alter(MetadataImage image,
                                                                List<ScramCredentialChange> changes) {
        List<MetadataRecord> records = new ArrayList<>();
        List<Optional<ApiException>> outcomes = new ArrayList<>();
        Set<ScramCredential.Key> present = new HashSet<>(image.scramCredentials().keySet());
        for (ScramCredentialChange change : changes) {
            ScramCredential.Key key = new ScramCredential.Key(change.user(), change.mechanism());
            if (change.credential().isPresent()) {
                records.add(new ScramCredentialRecord(change.user(), change.credential().get()));
                present.add(key);
                outcomes.add(Optional.empty());
            } else if (present.remove(key)) {
                records.add(new RemoveScramCredentialRecord(change.user(), change.mechanism()));
                outcomes.add(Optional.empty());
            } else {
                outcomes.add(Optional.of(new ResourceNotFoundException("Attempt to delete a user credential that "
                        + "does not exist")));
            }
        }
        return new Decision<>(records, outcomes);
    }
}
