package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Kafka's {@code ssl.principal.mapping.rules} examples. */
class PrincipalMapperTest {

    @Test
    void defaultKeepsTheDistinguishedName() {
        assertThat(PrincipalMapper.parse("DEFAULT").map("CN=alice,OU=eng,O=corp"))
                .isEqualTo("CN=alice,OU=eng,O=corp");
        assertThat(PrincipalMapper.parse("").map("CN=alice")).isEqualTo("CN=alice");
    }

    @Test
    void rulesApplyInOrderWithGroupsAndCase() {
        PrincipalMapper mapper = PrincipalMapper.parse(
                "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,"
                        + "RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/U,DEFAULT");
        assertThat(mapper.map("CN=kafka-svc,OU=ServiceUsers,O=Unknown")).isEqualTo("kafka-svc");
        assertThat(mapper.map("CN=Duke,OU=JavaSoft,O=Sun Microsystems,L=Santa Clara,ST=CA,C=US"))
                .isEqualTo("duke@javasoft");
        assertThat(mapper.map("OU=x,cn=someone.else,O=y")).isEqualTo("SOMEONE.ELSE");
        assertThat(mapper.map("O=nobody")).isEqualTo("O=nobody");
    }

    @Test
    void aNameNoRuleMatchesCannotAuthenticate() {
        PrincipalMapper mapper = PrincipalMapper.parse("RULE:^CN=([^,]+),O=corp$/$1/");
        assertThat(mapper.map("CN=alice,O=corp")).isEqualTo("alice");
        assertThatThrownBy(() -> mapper.map("CN=alice,O=other")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapedSlashesAndNewlineSeparators() {
        PrincipalMapper mapper = PrincipalMapper.parse("RULE:^CN=([^,]+)\\/x$/$1/L\nDEFAULT");
        assertThat(mapper.map("CN=Bob/x")).isEqualTo("bob");
        assertThat(mapper.map("CN=Bob")).isEqualTo("CN=Bob");
    }

    @Test
    void refusesMalformedRules() {
        for (String rules : new String[] {"RULE:abc", "NONSENSE", "RULE:^a$/b/X", "DEFAULT,,"}) {
            assertThatThrownBy(() -> PrincipalMapper.parse(rules)).as(rules).isInstanceOf(ConfigException.class);
        }
    }
}
