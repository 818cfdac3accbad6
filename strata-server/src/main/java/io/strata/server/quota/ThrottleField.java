package io.strata.server.quota;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.types.Schema;

/**
 * Sets {@code throttle_time_ms} in any response body that has it at the response's version, so that throttling is
 * done in one place (the dispatcher) rather than in every API handler. Kafka's generated response classes carry the
 * field as {@code throttleTimeMs}/{@code setThrottleTimeMs} and describe their versions in a static {@code SCHEMAS}
 * array; a field set at a version that lacks it would fail serialization, hence the check.
 *
 * <p>Thread-safe: method handles are looked up once per response class.
 */
final class ThrottleField {

    private static final String FIELD = "throttle_time_ms";
    private static final Map<Class<?>, Optional<Accessors>> ACCESSORS = new ConcurrentHashMap<>();

    private ThrottleField() {
    }

    /**
     * Raises the response's throttle time to {@code throttleMs} (a handler may have set one already).
     *
     * @return whether the response carries the field at {@code version}
     */
    static boolean raise(ApiMessage response, short version, int throttleMs) {
        Optional<Accessors> accessors = ACCESSORS.computeIfAbsent(response.getClass(), ThrottleField::lookup);
        if (accessors.isEmpty() || accessors.get().schemas.length <= version || accessors.get().schemas[version] == null
                || accessors.get().schemas[version].get(FIELD) == null) {
            return false;
        }
        try {
            int current = (int) accessors.get().getter.invoke(response);
            if (throttleMs > current) {
                accessors.get().setter.invoke(response, throttleMs);
            }
            return true;
        } catch (Throwable e) {
            throw new IllegalStateException("Cannot set " + FIELD + " of " + response.getClass().getSimpleName(), e);
        }
    }

    private static Optional<Accessors> lookup(Class<?> type) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle getter = lookup.findVirtual(type, "throttleTimeMs", MethodType.methodType(int.class));
            MethodHandle setter = lookup.findVirtual(type, "setThrottleTimeMs", MethodType.methodType(type, int.class));
            Schema[] schemas = (Schema[]) type.getField("SCHEMAS").get(null);
            return Optional.of(new Accessors(getter, setter, schemas));
        } catch (ReflectiveOperationException | ClassCastException e) {
            return Optional.empty(); // a response without a throttle time (ApiVersions v0, SaslHandshake, ...)
        }
    }

    private record Accessors(MethodHandle getter, MethodHandle setter, Schema[] schemas) {
    }
}
