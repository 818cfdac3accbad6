package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleExchangeTest {

    @Test
    void parsesUrlEncodedPairsFirstValueWins() {
        Map<String, String> params = new HashMap<>();
        ConsoleExchange.parse("name=a%20b&configs=retention.ms%3D1%0Acleanup.policy%3Dcompact&flag&name=c&&x=", params);
        assertThat(params).containsEntry("name", "a b").containsEntry("configs",
                "retention.ms=1\ncleanup.policy=compact").containsEntry("flag", "").containsEntry("x", "");
    }

    @Test
    void malformedEncodingIsABadRequest() {
        assertThatThrownBy(() -> ConsoleExchange.parse("a=%zz", new HashMap<>()))
                .isInstanceOfSatisfying(ConsoleExchange.Refusal.class, r -> assertThat(r.status).isEqualTo(400));
    }
}
