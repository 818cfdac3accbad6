package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JvmTest {

    @Test
    void brokerFlagsReplaceOnlyTheHeap() {
        assertThat(Jvm.brokerFlags(Jvm.DEFAULT_HEAP)).isEqualTo(Jvm.BROKER_FLAGS);
        assertThat(Jvm.brokerFlags("512m")).startsWith("-Xmx512m", "-Xms512m").doesNotContain("-Xmx1G", "-Xms1G")
                .hasSameSizeAs(Jvm.BROKER_FLAGS).contains("-XX:+UseG1GC");
    }

    @Test
    void theJavaHomeIsTwoLevelsAboveTheJavaExecutable() {
        Jvm jvm = new Jvm("/usr/lib/jvm/jdk-25/bin/java", "", "", Path.of("a.jsa"));

        assertThat(jvm.javaHome()).isEqualTo(Path.of("/usr/lib/jvm/jdk-25"));
    }
}
