package io.strata.server.schemaid;

import io.strata.storage.RecordErrors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Broker-side schema id validation, as Confluent Server does it for topics with {@link SchemaValidationConfig} on:
 * each record's key and/or value must be in the schema registry's wire format (magic byte 0, then a 4-byte
 * big-endian schema id) with an id that the registry has registered under the subject its
 * {@link SubjectNameStrategy} names. A null key or value (a tombstone) passes. The payload after the id is not
 * inspected. A batch with a refused record is refused whole with {@code INVALID_RECORD} and the index and reason
 * of each refused record (Produce v8+'s {@code record_errors}).
 *
 * <p>The ids are looked up in the node's in-memory copy of the registry ({@link SchemaIdLookup}), attached once the
 * registry runs; until then, and while the copy is still loading, every id is refused: an id is never accepted
 * without being found. Compressed batches are decompressed for the walk (the log's own validation skips keys and
 * values, so this walk is extra, and only topics with validation on pay for it).
 *
 * <p>Thread-safe: the lookup is published through a volatile field; decompression buffers are pooled, each lent to
 * one walk at a time.
 */
public final class SchemaIdValidator {

    /** The wire format's magic byte and header size. */
    private static final byte MAGIC = 0;
    private static final int HEADER = 5;

    /** Decompression buffer suppliers; a pool rather than thread locals, since requests run on virtual threads. */
    private static final BlockingQueue<BufferSupplier> SUPPLIERS =
            new ArrayBlockingQueue<>(Math.max(2, Runtime.getRuntime().availableProcessors()));

    private volatile SchemaIdLookup lookup = SchemaIdLookup.UNAVAILABLE;

    /** Starts answering from the node's registry (it starts after the node serves clients). */
    public void attach(SchemaIdLookup lookup) {
        this.lookup = Objects.requireNonNull(lookup);
    }

    /**
     * Checks the records a leader is about to append to a partition of {@code topic}. Does nothing when the
     * topic's validation is off. A batch the log itself refuses (not magic v2, a bad CRC, a control batch) is left
     * to the log, which refuses the whole append.
     *
     * @throws org.apache.kafka.common.InvalidRecordException a {@link RecordErrors} listing the refused records of
     *         the first batch with any ({@code INVALID_RECORD}), or a malformed record
     * @throws UnknownServerException a compressed payload that cannot be decompressed (as the log answers)
     */
    public void validate(String topic, SchemaValidationConfig config, MemoryRecords records) {
        if (!config.enabled()) {
            return;
        }
        SchemaIdLookup ids = lookup;
        Part key = config.key() ? new Part(topic, true, config.keyStrategy()) : null;
        Part value = config.value() ? new Part(topic, false, config.valueStrategy()) : null;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2 || batch.isControlBatch() || !batch.isValid()) {
                return;
            }
            List<RecordErrors.RecordError> errors = walk(batch, ids, key, value);
            if (!errors.isEmpty()) {
                throw RecordErrors.invalidRecords(errors);
            }
        }
    }

    private static List<RecordErrors.RecordError> walk(MutableRecordBatch batch, SchemaIdLookup ids, Part key,
                                                       Part value) {
        List<RecordErrors.RecordError> errors = List.of();
        BufferSupplier supplier = SUPPLIERS.poll();
        if (supplier == null) {
            supplier = BufferSupplier.create();
        }
        try (CloseableIterator<Record> it = batch.streamingIterator(supplier)) {
            int index = 0;
            while (it.hasNext()) {
                Record record = it.next();
                Optional<String> problem = key != null ? key.problem(ids, record.key()) : Optional.empty();
                if (problem.isEmpty() && value != null) {
                    problem = value.problem(ids, record.value());
                }
                if (problem.isPresent()) {
                    if (errors.isEmpty()) {
                        errors = new ArrayList<>(1);
                    }
                    errors.add(new RecordErrors.RecordError(index, problem.get()));
                }
                index++;
            }
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // What the log answers for a payload its codec cannot read.
            throw new UnknownServerException("Failed to decompress record batch (" + batch.compressionType().name
                    + "): " + e.getMessage(), e);
        } finally {
            if (!SUPPLIERS.offer(supplier)) {
                supplier.close();
            }
        }
        return errors;
    }

    /** The validated key or value of a topic's records, with its subject when the strategy needs no lookup. */
    private record Part(String topic, boolean key, SubjectNameStrategy strategy, String fixedSubject) {

        Part(String topic, boolean key, SubjectNameStrategy strategy) {
            this(topic, key, strategy, strategy.needsRecordName() ? null : strategy.subject(topic, key, null));
        }

        /** Why {@code data} is refused, or empty when it passes. */
        Optional<String> problem(SchemaIdLookup ids, ByteBuffer data) {
            if (data == null) {
                return Optional.empty();
            }
            String part = key ? "key" : "value";
            if (data.remaining() < HEADER || data.get(data.position()) != MAGIC) {
                return Optional.of("The " + part + " is not in the schema registry's wire format (magic byte 0 and "
                        + "a 4-byte schema id)");
            }
            int id = data.getInt(data.position() + 1);
            Optional<String> unavailable = ids.unavailable();
            if (unavailable.isPresent()) {
                return Optional.of("Schema id " + id + " of the " + part + " cannot be validated: "
                        + unavailable.get());
            }
            String subject = fixedSubject;
            if (subject == null) {
                Optional<String> name = ids.recordName(id);
                if (name.isEmpty()) {
                    return Optional.of(ids.exists(id) ? "Schema id " + id + " of the " + part + " has no record name "
                            + "for " + strategy.className() : unknown(id, part));
                }
                subject = strategy.subject(topic, key, name.get());
            }
            if (ids.registeredUnder(id, subject)) {
                return Optional.empty();
            }
            return Optional.of(ids.exists(id) ? "Schema id " + id + " of the " + part + " is not registered under "
                    + "subject " + subject : unknown(id, part));
        }

        private static String unknown(int id, String part) {
            return "Schema id " + id + " of the " + part + " is not known to the schema registry";
        }
    }
}
