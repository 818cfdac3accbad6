package io.strata.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One benchmark case, run the same way against both brokers.
 *
 * @param id         stable name, matched by {@code --cases REGEX}
 * @param kind       which tool runs it
 * @param recordSize bytes per record value
 * @param partitions partitions of the topic
 * @param acks       producer acks ("1" or "all"); for CONSUME the acks of the unmeasured preload
 * @param lingerMs   producer linger.ms
 * @param records    records per run
 * @param rate       records/s for E2E and a paced TXN case (fixed rate); 0 otherwise (as fast as possible)
 * @param idleFetchers WIRE_PRODUCE: connections long-polling the {@link #IDLE_TOPIC} during the run, 0 for none
 * @param saslSsl    PRODUCE, CONSUME: the measured tool connects over the brokers' SASL_SSL listener (SCRAM-SHA-512,
 *                   TLS; see {@link SaslSslSetup}) instead of plaintext
 */
public record BenchCase(String id, Kind kind, int recordSize, int partitions, String acks, int lingerMs, long records,
                        int rate, int idleFetchers, boolean saslSsl) {

    /** The topic idle fetchers wait on: nobody writes to it, so every fetch of it waits its full max wait. */
    public static final String IDLE_TOPIC = "bench-idle";
    /** Partitions of {@link #IDLE_TOPIC}; the idle fetchers are spread over them. */
    public static final int IDLE_PARTITIONS = 100;
    /** Idle fetchers of the {@code -idle1000} case: "a thousand idle consumers on other partitions". */
    static final int IDLE_FETCHERS = 1000;

    /**
     * The tool behind a case: Kafka's perf tools (PRODUCE, CONSUME), {@link E2eLatency} (E2E), {@link WireLoad}
     * (WIRE_PRODUCE, WIRE_FETCH), which saturates the broker instead of the client, or {@link TxnLatency} (TXN).
     */
    public enum Kind { PRODUCE, CONSUME, E2E, WIRE_PRODUCE, WIRE_FETCH, TXN }

    /** Transactional producers of a TXN case, each with its own {@code transactional.id}. */
    public static final int TXN_PRODUCERS = 4;
    /** Records per transaction of a TXN case. */
    public static final int TXN_RECORDS = 100;
    /** Committed records per second of the paced TXN case: 100 transactions a second, 25 per producer. */
    static final int TXN_RATE = 10_000;

    /** Transactions each producer of a TXN case commits (counted ones; {@link #records} divided among them). */
    public int txnsPerProducer() {
        return (int) (records / ((long) TXN_PRODUCERS * TXN_RECORDS));
    }

    /** A case over the plaintext listener. */
    public BenchCase(String id, Kind kind, int recordSize, int partitions, String acks, int lingerMs, long records,
                     int rate, int idleFetchers) {
        this(id, kind, recordSize, partitions, acks, lingerMs, records, rate, idleFetchers, false);
    }

    /** Records per batch of a WireLoad case: a batch of Kafka's default {@code batch.size}, 16 KiB. */
    public int wireBatch() {
        return Math.max(1, 16 * 1024 / recordSize);
    }

    /** The topic a case writes or reads (produce cases of one shape share a topic; consume cases have their own). */
    public String topic() {
        return switch (kind) {
            case PRODUCE -> "bench-p-" + recordSize + "b-" + partitions + "p";
            case CONSUME -> "bench-c-" + recordSize + "b-" + partitions + "p";
            case E2E -> "bench-e2e";
            case WIRE_PRODUCE -> "bench-wp-" + recordSize + "b-" + partitions + "p";
            case WIRE_FETCH -> "bench-wf-" + recordSize + "b-" + partitions + "p";
            case TXN -> "bench-txn-" + recordSize + "b-" + partitions + "p";
        };
    }

    /** Payload MiB one run moves. */
    public double mebibytes() {
        return records * (double) recordSize / (1024 * 1024);
    }

    /**
     * The matrix: produce (100 B and 1 KiB x 1 and 6 partitions x acks 1 and all x linger 0 and 5 ms), consume
     * (100 B on 1 and 6 partitions, 1 KiB on 1), produce 1 KiB on 6 and consume 1 KiB on 1 over SASL_SSL,
     * end-to-end at 1000 records/s (acks 1 and all), the
     * broker-saturating WireLoad cases (produce 100 B and 1 KiB, acks 1 and all; fetch 1 KiB; 6 partitions; and
     * produce 1 KiB acks 1 again with {@value #IDLE_FETCHERS} idle fetchers on the {@link #IDLE_TOPIC}), and
     * transactions of {@value #TXN_RECORDS} records of 100 B from {@value #TXN_PRODUCERS} producers over 6
     * partitions with a {@code read_committed} consumer alongside, as fast as possible and at
     * {@value #TXN_RATE} records/s.
     * {@code quick} moves a tenth of the records and keeps a representative subset.
     */
    public static List<BenchCase> matrix(boolean quick, Pattern filter) {
        long small = quick ? 200_000 : 2_000_000;
        long large = quick ? 50_000 : 500_000;
        long e2e = quick ? 2_000 : 10_000;
        List<BenchCase> all = new ArrayList<>();
        for (int size : new int[] {100, 1024}) {
            for (int parts : new int[] {1, 6}) {
                for (String acks : new String[] {"1", "all"}) {
                    for (int linger : new int[] {0, 5}) {
                        String id = "produce-" + label(size) + "-p" + parts + "-acks" + acks + "-linger" + linger;
                        all.add(new BenchCase(id, Kind.PRODUCE, size, parts, acks, linger,
                                size == 100 ? small : large, 0, 0));
                    }
                }
            }
        }
        all.add(new BenchCase("consume-100B-p1", Kind.CONSUME, 100, 1, "1", 5, small, 0, 0));
        all.add(new BenchCase("consume-100B-p6", Kind.CONSUME, 100, 6, "1", 5, small, 0, 0));
        all.add(new BenchCase("consume-1KiB-p1", Kind.CONSUME, 1024, 1, "1", 5, large, 0, 0));
        // The same loads over SASL_SSL (SCRAM-SHA-512 on TLS), against the plaintext figures above.
        all.add(new BenchCase("sasl-ssl-produce-1KiB-p6-acks1-linger5", Kind.PRODUCE, 1024, 6, "1", 5, large, 0, 0,
                true));
        all.add(new BenchCase("sasl-ssl-consume-1KiB-p1", Kind.CONSUME, 1024, 1, "1", 5, large, 0, 0, true));
        all.add(new BenchCase("e2e-100B-1000rps-acks1", Kind.E2E, 100, 1, "1", 0, e2e, 1000, 0));
        all.add(new BenchCase("e2e-100B-1000rps-acksall", Kind.E2E, 100, 1, "all", 0, e2e, 1000, 0));
        long wireSmall = quick ? 1_000_000 : 10_000_000;
        long wireLarge = quick ? 200_000 : 2_000_000;
        for (int size : new int[] {100, 1024}) {
            for (String acks : new String[] {"1", "all"}) {
                all.add(new BenchCase("wire-produce-" + label(size) + "-p6-acks" + acks, Kind.WIRE_PRODUCE, size, 6,
                        acks, 0, size == 100 ? wireSmall : wireLarge, 0, 0));
            }
        }
        // The same load with a thousand consumers parked on other partitions: compared with the case without,
        // it shows whether waiting fetches cost the broker anything when other partitions are written.
        all.add(new BenchCase("wire-produce-1KiB-p6-acks1-idle" + IDLE_FETCHERS, Kind.WIRE_PRODUCE, 1024, 6, "1", 0,
                wireLarge, 0, IDLE_FETCHERS));
        all.add(new BenchCase("wire-fetch-1KiB-p6", Kind.WIRE_FETCH, 1024, 6, "1", 0, 2 * wireLarge, 0, 0));
        long txnRecords = (quick ? 50L : 500L) * TXN_PRODUCERS * TXN_RECORDS;
        all.add(new BenchCase("txn-100B-p6-x" + TXN_RECORDS, Kind.TXN, 100, 6, "all", 0, txnRecords, 0, 0));
        // The same transactions at a fixed rate well below either broker's saturation: latency, not queueing.
        long pacedRecords = (quick ? 50L : 250L) * TXN_PRODUCERS * TXN_RECORDS;
        all.add(new BenchCase("txn-100B-p6-x" + TXN_RECORDS + "-" + TXN_RATE + "rps", Kind.TXN, 100, 6, "all", 0,
                pacedRecords, TXN_RATE, 0));
        Pattern quickSet = Pattern.compile("produce-100B-p1-acks1-linger0|produce-100B-p1-acksall-linger5"
                + "|produce-100B-p6-acks1-linger5|produce-1KiB-p1-acks1-linger5|produce-1KiB-p6-acksall-linger0"
                + "|consume-100B-p1|consume-1KiB-p1|sasl-ssl-.*|e2e-.*|wire-produce-.*-acks1(-idle.*)?|wire-fetch-.*"
                + "|txn-.*");
        return all.stream()
                .filter(c -> !quick || quickSet.matcher(c.id()).matches())
                .filter(c -> filter.matcher(c.id()).find())
                .toList();
    }

    private static String label(int size) {
        return size == 1024 ? "1KiB" : size + "B";
    }
}
