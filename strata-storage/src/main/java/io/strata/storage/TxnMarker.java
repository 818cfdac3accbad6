package io.strata.storage;

import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What a control batch says: a COMMIT or ABORT marker with its coordinator epoch, or another control record (e.g.
 * KRaft's), which transactions ignore. Immutable.
 *
 * @param type             the control record type
 * @param coordinatorEpoch the coordinator epoch of an end-transaction marker, otherwise -1
 */
record TxnMarker(ControlRecordType type, int coordinatorEpoch) {

    boolean isEndTxn() {
        return type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT;
    }

    boolean isAbort() {
        return type == ControlRecordType.ABORT;
    }

    /** Reads the marker of a control batch (control batches are never compressed, so this is cheap). */
    static TxnMarker read(RecordBatch batch) {
        var it = batch.iterator();
        if (!it.hasNext()) {
            return new TxnMarker(ControlRecordType.UNKNOWN, -1);
        }
        Record record = it.next();
        ControlRecordType type = ControlRecordType.parse(record.key());
        if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
            return new TxnMarker(type, EndTransactionMarker.deserialize(record).coordinatorEpoch());
        }
        return new TxnMarker(type, -1);
    }

    /** Reads the marker of the control batch {@code header} points at (its whole batch is in the buffer). */
    static TxnMarker read(BatchHeader header) {
        MutableRecordBatch batch = MemoryRecords.readableRecords(header.batchBytes()).batches().iterator().next();
        return read(batch);
    }

    /** The bytes of a batch holding only this end-transaction marker. */
    static MemoryRecords endTxnBatch(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                     long timestamp) {
        ControlRecordType type = commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT;
        return MemoryRecords.withEndTransactionMarker(0L, timestamp, RecordBatch.NO_PARTITION_LEADER_EPOCH,
                producerId, producerEpoch, new EndTransactionMarker(type, coordinatorEpoch));
    }
}
