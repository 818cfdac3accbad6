package io.strata.server.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The API versions this node implements and advertises. Deliberately our own table rather than kafka-clients'
 * latest versions: upgrading the client library must not advertise versions nobody implemented here.
 * Immutable and thread-safe.
 */
public final class ApiVersionTable {

    /** An inclusive version range. */
    public record Range(short min, short max) {
        public boolean contains(short version) {
            return version >= min && version <= max;
        }
    }

    private final Map<ApiKeys, Range> ranges;

    public ApiVersionTable(Map<ApiKeys, Range> ranges) {
        this.ranges = Collections.unmodifiableMap(new EnumMap<>(ranges));
    }

    /** What this release of Strata implements. */
    public static ApiVersionTable strata() {
        Map<ApiKeys, Range> r = new EnumMap<>(ApiKeys.class);
        r.put(ApiKeys.PRODUCE, range(3, 13));
        r.put(ApiKeys.FETCH, range(4, 18));
        r.put(ApiKeys.LIST_OFFSETS, range(1, 11));
        r.put(ApiKeys.METADATA, range(0, 13));
        r.put(ApiKeys.API_VERSIONS, range(0, 4));
        r.put(ApiKeys.CREATE_TOPICS, range(2, 7));
        r.put(ApiKeys.DELETE_TOPICS, range(1, 6));
        r.put(ApiKeys.INIT_PRODUCER_ID, range(0, 5));
        r.put(ApiKeys.DESCRIBE_CLUSTER, range(0, 2));
        return new ApiVersionTable(r);
    }

    private static Range range(int min, int max) {
        return new Range((short) min, (short) max);
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
