package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class V3ApiTest {

    @Test
    void v3ErrorsCarryTheHttpStatusAsTheirCode() {
        RestException mapped = V3Api.v3(RestException.topicNotFound("t"));
        assertThat(mapped.status()).isEqualTo(404);
        assertThat(mapped.errorCode()).isEqualTo(404);
        RestException plain = RestException.badRequest("x");
        assertThat(V3Api.v3(plain)).isSameAs(plain);
    }
}
