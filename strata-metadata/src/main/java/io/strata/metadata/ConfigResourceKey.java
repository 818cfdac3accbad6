package io.strata.metadata;

/** A config resource: a topic by name, or a broker by id ("" for the cluster-wide broker default). */
public record ConfigResourceKey(Type type, String name) {
    public enum Type { TOPIC, BROKER }
}
