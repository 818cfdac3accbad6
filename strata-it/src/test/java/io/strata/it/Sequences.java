package io.strata.it;

import java.util.List;
import java.util.Optional;

/** Checks of sequence numbers read back from a topic, with a short description of what is wrong (not every number). */
final class Sequences {

    private Sequences() {
    }

    /**
     * Empty when {@code seen} is exactly {@code 0..count-1} in order; else where it first differs, so that a failure
     * names the lost, duplicated or reordered record instead of printing thousands of numbers.
     */
    static Optional<String> mismatch(List<Long> seen, long count) {
        for (int i = 0; i < Math.min(seen.size(), count); i++) {
            if (seen.get(i) != i) {
                return Optional.of("record " + i + " is " + seen.get(i) + " (of " + seen.size() + " records, "
                        + seen.stream().distinct().count() + " distinct)");
            }
        }
        return seen.size() == count ? Optional.empty()
                : Optional.of(seen.size() + " records instead of " + count);
    }
}
