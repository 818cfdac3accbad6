package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchCaseTest {

    @Test
    void theIdleFetcherCaseIsTheOneKiBProduceCaseWithAThousandIdleFetchers() {
        List<BenchCase> wire = BenchCase.matrix(false, Pattern.compile("^wire-produce-1KiB-p6-acks1"));

        assertThat(wire).extracting(BenchCase::id)
                .containsExactly("wire-produce-1KiB-p6-acks1", "wire-produce-1KiB-p6-acks1-idle1000");
        BenchCase plain = wire.get(0);
        BenchCase idle = wire.get(1);
        assertThat(idle.idleFetchers()).isEqualTo(1000);
        assertThat(plain.idleFetchers()).isZero();
        // Same load, same topic: the only difference is the idle fetchers.
        assertThat(idle.topic()).isEqualTo(plain.topic()).isNotEqualTo(BenchCase.IDLE_TOPIC);
        assertThat(idle.records()).isEqualTo(plain.records());
        assertThat(idle.wireBatch()).isEqualTo(plain.wireBatch());
    }

    @Test
    void theQuickSubsetKeepsBothSidesOfTheIdleComparison() {
        assertThat(BenchCase.matrix(true, Pattern.compile("^wire-produce-1KiB"))).extracting(BenchCase::id)
                .containsExactly("wire-produce-1KiB-p6-acks1", "wire-produce-1KiB-p6-acks1-idle1000");
    }

    @Test
    void theSaslSslCasesRepeatAPlaintextLoadOverTheSecureListener() {
        List<BenchCase> secure = BenchCase.matrix(true, Pattern.compile("^sasl-ssl-"));

        assertThat(secure).extracting(BenchCase::id)
                .containsExactly("sasl-ssl-produce-1KiB-p6-acks1-linger5", "sasl-ssl-consume-1KiB-p1");
        assertThat(secure).allMatch(BenchCase::saslSsl);
        BenchCase consume = secure.get(1);
        BenchCase plainConsume = BenchCase.matrix(true, Pattern.compile("^consume-1KiB-p1$")).get(0);
        // One preloaded topic serves both consume cases.
        assertThat(consume.topic()).isEqualTo(plainConsume.topic());
        assertThat(consume.records()).isEqualTo(plainConsume.records());
        assertThat(plainConsume.saslSsl()).isFalse();
    }

    @Test
    void theTransactionalCaseCommitsTransactionsOfAHundredRecordsInBothTheQuickAndTheFullMatrix() {
        BenchCase full = BenchCase.matrix(false, Pattern.compile("^txn-")).getFirst();
        BenchCase quick = BenchCase.matrix(true, Pattern.compile("^txn-")).getFirst();

        assertThat(full.id()).isEqualTo("txn-100B-p6-x100").isEqualTo(quick.id());
        assertThat(full.kind()).isEqualTo(BenchCase.Kind.TXN);
        assertThat(full.txnsPerProducer()).isEqualTo(500);
        assertThat(quick.txnsPerProducer()).isEqualTo(50);
        assertThat(full.records()).isEqualTo(500L * BenchCase.TXN_PRODUCERS * BenchCase.TXN_RECORDS);
        assertThat(full.topic()).isNotEqualTo(BenchCase.matrix(false, Pattern.compile("^e2e-")).getFirst().topic());
        assertThat(full.rate()).isZero();

        BenchCase paced = BenchCase.matrix(false, Pattern.compile("^txn-.*rps$")).getFirst();
        assertThat(paced.id()).isEqualTo("txn-100B-p6-x100-10000rps");
        assertThat(paced.rate()).isEqualTo(10_000);
        assertThat(paced.txnsPerProducer()).isEqualTo(250);
    }
}
