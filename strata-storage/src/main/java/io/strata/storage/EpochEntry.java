package io.strata.storage;

/** A leader epoch and the first offset written in it (or, for end-offset queries, the epoch's end offset). */
public record EpochEntry(int epoch, long offset) {
}
