package io.strata.cli.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One {@code --topic} argument of {@code group reset-offsets}: {@code TOPIC} (every partition) or
 * {@code TOPIC:P[,P...]}. Kafka's topic names cannot contain ':', so the last ':' separates the partitions.
 *
 * @param topic      the topic's name
 * @param partitions the chosen partitions, sorted; empty for all of them
 */
record TopicSelection(String topic, Optional<List<Integer>> partitions) {

    /** Parses one argument; throws {@code IllegalArgumentException} with the reason when it is malformed. */
    static TopicSelection parse(String arg) {
        int colon = arg.lastIndexOf(':');
        if (colon < 0) {
            return new TopicSelection(requireName(arg, arg), Optional.empty());
        }
        String topic = requireName(arg.substring(0, colon), arg);
        TreeSet<Integer> partitions = new TreeSet<>();
        for (String p : arg.substring(colon + 1).split(",", -1)) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                partitions.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected TOPIC or TOPIC:PARTITION[,PARTITION...] for --topic but "
                        + "got '" + arg + "'");
            }
        }
        return new TopicSelection(topic, Optional.of(new ArrayList<>(partitions)));
    }

    private static String requireName(String name, String arg) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("expected a topic name for --topic but got '" + arg + "'");
        }
        return name;
    }
}
