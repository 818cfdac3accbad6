package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.ClientQuotaChange;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.records.MetadataRecord.ClientQuotaRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientQuotaControlTest {

    private static final ClientQuotaEntity ALICE = ClientQuotaEntity.user(Optional.of("alice"));
    private static final ClientQuotaEntity DEFAULT_CLIENT = ClientQuotaEntity.clientId(Optional.empty());

    @Test
    void setsRemovesAndSkipsRemovalsOfAbsentKeys() throws Exception {
        MetadataImage image = apply(ImageBuilder.emptyImage(), List.of(
                new ClientQuotaChange(ALICE, Map.of("producer_byte_rate", Optional.of(1024.0),
                        "consumer_byte_rate", Optional.of(2048.0))),
                new ClientQuotaChange(DEFAULT_CLIENT, Map.of("request_percentage", Optional.empty()))));
        assertThat(image.clientQuotas(ALICE)).isEqualTo(Map.of("producer_byte_rate", 1024.0,
                "consumer_byte_rate", 2048.0));
        assertThat(image.clientQuotas()).doesNotContainKey(DEFAULT_CLIENT);

        Decision<Void> removal = ClientQuotaControl.alter(image, List.of(new ClientQuotaChange(ALICE,
                Map.of("producer_byte_rate", Optional.empty(), "request_percentage", Optional.empty()))));
        assertThat(removal.records()).containsExactly(new ClientQuotaRecord(ALICE, "producer_byte_rate",
                Optional.empty()));
        image = ImageBuilder.applyBatch(image, removal.records(), 3);
        assertThat(image.clientQuotas(ALICE)).isEqualTo(Map.of("consumer_byte_rate", 2048.0));

        image = apply(image, List.of(new ClientQuotaChange(ALICE, Map.of("consumer_byte_rate", Optional.empty()))));
        assertThat(image.clientQuotas()).isEmpty(); // an entity without quotas is gone
    }

    private static MetadataImage apply(MetadataImage image, List<ClientQuotaChange> changes) throws Exception {
        return ImageBuilder.applyBatch(image, ClientQuotaControl.alter(image, changes).records(),
                image.version() + 1);
    }
}
