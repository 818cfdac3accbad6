package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.MetadataConflictException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclControlTest {

    private static final AclBinding READ_ORDERS = acl(ResourceType.TOPIC, "orders", PatternType.LITERAL, "User:alice",
            AclOperation.READ);
    private static final AclBinding READ_PREFIX = acl(ResourceType.TOPIC, "ord", PatternType.PREFIXED, "User:alice",
            AclOperation.READ);
    private static final AclBinding READ_ANY = acl(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:bob",
            AclOperation.READ);
    private static final AclBinding GROUP = acl(ResourceType.GROUP, "orders", PatternType.LITERAL, "User:alice",
            AclOperation.READ);

    static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    @Test
    void createsEachNewBindingOnceAndRefusesInvalidOnes() throws MetadataConflictException {
        AclBinding noType = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "alice", AclOperation.READ);
        AclBinding match = acl(ResourceType.TOPIC, "t", PatternType.UNKNOWN, "User:a", AclOperation.READ);
        AclBinding anyOp = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", AclOperation.UNKNOWN);
        Decision<List<Optional<ApiException>>> d = AclControl.create(ImageBuilder.emptyImage("c"),
                List.of(READ_ORDERS, READ_ORDERS, noType, match, anyOp), Uuid::randomUuid);
        assertThat(d.records()).hasSize(1);
        assertThat(d.result().subList(0, 2)).allMatch(Optional::isEmpty);
        assertThat(d.result().subList(2, 5)).allMatch(o -> o.orElseThrow() instanceof InvalidRequestException);

        MetadataImage image = ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"), d.records(), 1);
        assertThat(image.acls().values()).containsExactly(READ_ORDERS);
        // Creating what is stored already succeeds without a change, as Kafka.
        assertThat(AclControl.create(image, List.of(READ_ORDERS), Uuid::randomUuid).records()).isEmpty();
    }

    @Test
    void deletesWhatEachFilterMatchesOnceWithMatchAndAnyPatternTypes() throws MetadataConflictException {
        MetadataImage image = ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"), AclControl.create(
                ImageBuilder.emptyImage("c"), List.of(READ_ORDERS, READ_PREFIX, READ_ANY, GROUP),
                Uuid::randomUuid).records(), 1);
        AclBindingFilter matchOrders = new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, "orders",
                PatternType.MATCH), AccessControlEntryFilter.ANY);
        Decision<List<List<AclBinding>>> d = AclControl.delete(image, List.of(matchOrders, AclBindingFilter.ANY));
        // MATCH: the literal name, the wildcard and every prefix of the name; ANY then takes what is left.
        assertThat(d.result().get(0)).containsExactlyInAnyOrder(READ_ORDERS, READ_PREFIX, READ_ANY);
        assertThat(d.result().get(1)).containsExactly(GROUP);
        assertThat(ImageBuilder.applyBatch(image, d.records(), 2).acls()).isEmpty();
    }
}
