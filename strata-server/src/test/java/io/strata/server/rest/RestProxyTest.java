package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestProxyTest {

    @Test
    void pathSegmentsAreDecodedAndEmptyOnesDropped() {
        assertThat(RestProxy.segments("/topics/orders/partitions/0/")).containsExactly("topics", "orders",
                "partitions", "0");
        assertThat(RestProxy.segments("/consumers/my%20group/instances/a+b")).containsExactly("consumers",
                "my group", "instances", "a+b");
    }

    @Test
    void servesConfluentsPathsThatClashWithNoOtherFeature() {
        assertThat(RestProxy.PREFIXES).containsExactly("/topics", "/consumers", "/v3")
                .doesNotContain("/metrics", "/schema-registry", "/api");
    }
}
