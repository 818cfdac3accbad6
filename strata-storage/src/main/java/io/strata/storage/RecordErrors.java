package io.strata.storage;

import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;

/**
 * A produce refusal caused by individual records of a batch, with Kafka's per-record error list (KIP-467: the
 * {@code record_errors} of a Produce v8+ response). The two implementations extend the exceptions whose codes Kafka
 * answers ({@code INVALID_RECORD}, {@code INVALID_TIMESTAMP}), so {@code Errors.forException} maps them as usual.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface RecordErrors permits RecordErrors.InvalidRecords, RecordErrors.InvalidTimestamps {

    /** The refused records of the first refused batch; never empty. */
    List<RecordError> recordErrors();

    /** One refused record: its index in its batch and why it was refused. */
    record RecordError(int batchIndex, String message) {
    }

    /**
     * Records refused with {@code INVALID_RECORD} (e.g. no key on a compacted topic), with Kafka's message naming
     * how many and the first three.
     *
     * @param errors the refused records of one batch; not empty
     */
    static InvalidRecords invalidRecords(List<RecordError> errors) {
        return new InvalidRecords("One or more records have been rejected due to " + errors.size()
                + " record errors in total, and only showing the first three errors at most: "
                + errors.subList(0, Math.min(3, errors.size())), errors);
    }

    /** Records refused with {@code INVALID_RECORD}; built by {@link #invalidRecords}. */
    final class InvalidRecords extends InvalidRecordException implements RecordErrors {
        private final transient List<RecordError> errors;

        private InvalidRecords(String message, List<RecordError> errors) {
            super(message);
            this.errors = List.copyOf(errors);
        }

        @Override
        public List<RecordError> recordErrors() {
            return errors;
        }
    }

    /** Records refused with {@code INVALID_TIMESTAMP}: a timestamp outside the topic's window. */
    final class InvalidTimestamps extends InvalidTimestampException implements RecordErrors {
        private final transient List<RecordError> errors;

        InvalidTimestamps(String message, List<RecordError> errors) {
            super(message);
            this.errors = List.copyOf(errors);
        }

        @Override
        public List<RecordError> recordErrors() {
            return errors;
        }
    }
}
