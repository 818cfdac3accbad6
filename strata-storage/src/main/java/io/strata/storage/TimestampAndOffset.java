package io.strata.storage;

import java.util.OptionalInt;

/** A record's timestamp and offset, with the leader epoch of its batch when known. */
public record TimestampAndOffset(long timestamp, long offset, OptionalInt leaderEpoch) {
}
