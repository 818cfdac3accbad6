package io.strata.cli.config;

import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Option;

/**
 * Which configs a {@code config} command works on: exactly one of a topic, a broker, or the cluster-wide broker
 * defaults (Kafka's BROKER resource with an empty name). A picocli exclusive argument group.
 */
public final class ConfigTarget {

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", required = true, description = "A topic's configs.")
    String topic;

    @Option(names = "--broker", paramLabel = "ID", required = true, description = "A broker's configs.")
    Integer broker;

    @Option(names = "--broker-defaults", required = true,
            description = "The dynamic defaults of every broker in the cluster.")
    boolean brokerDefaults;

    ConfigResource resource() {
        if (topic != null) {
            return new ConfigResource(ConfigResource.Type.TOPIC, topic);
        }
        if (broker != null) {
            return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker));
        }
        return new ConfigResource(ConfigResource.Type.BROKER, "");
    }

    /** {@code topic 'demo'}, {@code broker 1} or {@code the broker defaults}, for messages. */
    String describe() {
        if (topic != null) {
            return "topic '" + topic + "'";
        }
        return broker != null ? "broker " + broker : "the broker defaults";
    }

    String type() {
        return topic != null ? "topic" : broker != null ? "broker" : "broker-defaults";
    }

    String name() {
        return topic != null ? topic : broker != null ? Integer.toString(broker) : "";
    }
}
