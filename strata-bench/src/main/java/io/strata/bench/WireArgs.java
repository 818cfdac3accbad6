package io.strata.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The command line of {@link WireLoad}:
 * {@code produce|fetch HOST:PORT TOPIC PARTITIONS RECORD_SIZE BATCH ACKS CONNECTIONS INFLIGHT RECORDS
 * [--rate REQUESTS_PER_SEC] [--idle-fetchers N IDLE_TOPIC IDLE_PARTITIONS]}.
 *
 * @param mode           produce or fetch
 * @param host           the broker's host
 * @param port           the broker's port
 * @param topic          the topic produced to or fetched from
 * @param partitions     partitions 0..partitions-1 of {@code topic}, all in every request
 * @param recordSize     bytes per record value (produce)
 * @param batch          records per batch, one batch per partition in every produce request
 * @param acks           produce acks: 1, or -1 for all
 * @param connections    parallel connections
 * @param inflight       produce requests in flight per connection (fetch: always one)
 * @param records        records to produce, or to fetch
 * @param requestsPerSec a target rate over all connections, latencies from the schedule (see {@link Pacing});
 *                       0 for as fast as the broker answers, latencies = round trips
 * @param idle           idle long-polling fetchers to run alongside the load, if any
 */
record WireArgs(Mode mode, String host, int port, String topic, int partitions, int recordSize, int batch, short acks,
                int connections, int inflight, long records, double requestsPerSec, Optional<Idle> idle) {

    static final String USAGE = "usage: WireLoad produce|fetch HOST:PORT TOPIC PARTITIONS RECORD_SIZE BATCH ACKS"
            + " CONNECTIONS INFLIGHT RECORDS [--rate REQUESTS_PER_SEC] [--idle-fetchers N IDLE_TOPIC"
            + " IDLE_PARTITIONS]";

    /** Most produce requests a connection may have in flight: send times are kept in a ring of this size. */
    static final int MAX_INFLIGHT = 1 << 16;

    enum Mode { PRODUCE, FETCH }

    /** {@code fetchers} connections long-polling partitions 0..partitions-1 of {@code topic}. */
    record Idle(int fetchers, String topic, int partitions) {
        Idle {
            if (fetchers < 1 || partitions < 1) {
                throw new IllegalArgumentException("--idle-fetchers needs at least one fetcher and one partition");
            }
        }
    }

    WireArgs {
        if (partitions < 1 || batch < 1 || connections < 1 || inflight < 1 || inflight > MAX_INFLIGHT
                || records < 0 || requestsPerSec < 0) {
            throw new IllegalArgumentException("out of range: " + String.join(" ", toArgs(mode, host, port, topic,
                    partitions, recordSize, batch, acks, connections, inflight, records)));
        }
    }

    /** Parses the command line; {@link IllegalArgumentException} (with the usage) when it is not one. */
    static WireArgs parse(String[] args) {
        try {
            if (args.length < 10) {
                throw new IllegalArgumentException("too few arguments");
            }
            Mode mode = Mode.valueOf(args[0].toUpperCase(Locale.ROOT));
            int colon = args[1].lastIndexOf(':');
            double rate = 0;
            Optional<Idle> idle = Optional.empty();
            for (int i = 10; i < args.length; i++) {
                switch (args[i]) {
                    case "--rate" -> rate = Double.parseDouble(BenchArgs.value(args, ++i, "--rate"));
                    case "--idle-fetchers" -> {
                        if (i + 3 >= args.length) {
                            throw new IllegalArgumentException("--idle-fetchers needs N IDLE_TOPIC IDLE_PARTITIONS");
                        }
                        idle = Optional.of(new Idle(Integer.parseInt(args[i + 1]), args[i + 2],
                                Integer.parseInt(args[i + 3])));
                        i += 3;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new WireArgs(mode, args[1].substring(0, colon), Integer.parseInt(args[1].substring(colon + 1)),
                    args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    args[6].equals("all") ? (short) -1 : Short.parseShort(args[6]), Integer.parseInt(args[7]),
                    Integer.parseInt(args[8]), Long.parseLong(args[9]), rate, idle);
        } catch (RuntimeException e) { // NumberFormatException, a bad mode, a HOST:PORT without a colon
            throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
        }
    }

    /** The command line that {@link #parse} turns back into these arguments. */
    List<String> toArgs() {
        List<String> args = new ArrayList<>(toArgs(mode, host, port, topic, partitions, recordSize, batch, acks,
                connections, inflight, records));
        if (requestsPerSec > 0) {
            args.addAll(List.of("--rate", Double.toString(requestsPerSec)));
        }
        idle.ifPresent(i -> args.addAll(List.of("--idle-fetchers", Integer.toString(i.fetchers()), i.topic(),
                Integer.toString(i.partitions()))));
        return args;
    }

    private static List<String> toArgs(Mode mode, String host, int port, String topic, int partitions,
                                       int recordSize, int batch, short acks, int connections, int inflight,
                                       long records) {
        return List.of(mode.name().toLowerCase(Locale.ROOT), host + ":" + port, topic,
                Integer.toString(partitions), Integer.toString(recordSize), Integer.toString(batch),
                acks == -1 ? "all" : Short.toString(acks), Integer.toString(connections), Integer.toString(inflight),
                Long.toString(records));
    }
}
