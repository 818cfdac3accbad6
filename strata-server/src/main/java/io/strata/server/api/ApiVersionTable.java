package io.strata.server.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The API versions this node implements and advertises, assembled from the handlers registered with the
 * {@link RequestDispatcher}, each with the range it implements. Deliberately never kafka-clients' latest versions:
 * upgrading the client library must not advertise versions nobody implemented here. Immutable and thread-safe.
 */
public final class ApiVersionTable {

    /** An inclusive version range. */
    public record Range(short min, short max) {
        public static Range of(int min, int max) {
            return new Range((short) min, (short) max);
        }

        public boolean contains(short version) {
            return version >= min && version <= max;
        }
    }

    private final Map<ApiKeys, Range> ranges;

    public ApiVersionTable(Map<ApiKeys, Range> ranges) {
        EnumMap<ApiKeys, Range> copy = new EnumMap<>(ApiKeys.class);
        copy.putAll(ranges);
        this.ranges = Collections.unmodifiableMap(copy);
    }

    public boolean isSupported(ApiKeys key, short version) {
        Range range = ranges.get(key);
        return range != null && range.contains(version);
    }

    public Map<ApiKeys, Range> ranges() {
        return ranges;
    }

    /** The advertised ranges as ApiVersions response entries (fresh elements on every call). */
    public ApiVersionsResponseData.ApiVersionCollection toCollection() {
        ApiVersionsResponseData.ApiVersionCollection collection = new ApiVersionsResponseData.ApiVersionCollection();
        ranges.forEach((key, range) -> collection.add(new ApiVersionsResponseData.ApiVersion()
                .setApiKey(key.id).setMinVersion(range.min()).setMaxVersion(range.max())));
        return collection;
    }
}
