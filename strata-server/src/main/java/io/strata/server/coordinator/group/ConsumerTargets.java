package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataImage;
import io.strata.server.cluster.TopicNames;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-848's target assignment of a consumer group: the subscribed topics that exist (by name or regular
 * expression), and the assignment the server-side assignor most members ask for computes from them.
 *
 * <p>Thread-safe: stateless but for the immutable assignors; call under the group's lock.
 */
final class ConsumerTargets {

    private static final Logger log = LoggerFactory.getLogger(ConsumerTargets.class);

    private final Map<String, ServerAssignor> assignors = Map.of("uniform", new UniformServerAssignor(),
            "range", new RangeServerAssignor());

    boolean supports(String assignor) {
        return assignors.containsKey(assignor);
    }

    /** The subscribed topics that exist, with their ids and partition counts. */
    static Map<String, Map.Entry<Uuid, Integer>> subscribedTopics(ConsumerProtocolGroup cg,
                                                                          MetadataImage image) {
        Map<String, Map.Entry<Uuid, Integer>> topics = new HashMap<>();
        for (ConsumerMember m : cg.members.values()) {
            for (String name : resolve(m, image)) {
                image.topic(name).ifPresent(t -> topics.put(name,
                        new AbstractMap.SimpleImmutableEntry<>(t.id(), t.partitions().size())));
            }
        }
        return topics;
    }

    /** The names of the existing topics a member subscribes to, by name or by regular expression. */
    private static Set<String> resolve(ConsumerMember m, MetadataImage image) {
        Set<String> names = new HashSet<>(m.subscribedTopicNames);
        m.subscribedTopicRegex.ifPresent(regex -> {
            Pattern pattern = Pattern.compile(regex);
            image.topicsByName().keySet().stream().filter(n -> !TopicNames.isInternal(n))
                    .filter(n -> pattern.matcher(n).matches()).forEach(names::add);
        });
        return names;
    }

    void computeTarget(ConsumerProtocolGroup cg, MetadataImage image,
                               Map<String, Map.Entry<Uuid, Integer>> topics) {
        Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        for (ConsumerMember m : cg.members.values()) {
            subscriptions.put(m.memberId, resolve(m, image).stream().map(topics::get).filter(Objects::nonNull)
                    .map(Map.Entry::getKey).collect(Collectors.toSet()));
        }
        Map<Uuid, Integer> counts = new HashMap<>();
        topics.values().forEach(e -> counts.put(e.getKey(), e.getValue()));
        ServerAssignor assignor = assignors.get(chooseAssignor(cg.members.values()));
        cg.target = new HashMap<>(assignor.assign(new ServerAssignor.Input(subscriptions, cg.target, counts)));
        cg.assignorName = assignor.name();
        cg.assignmentEpoch = cg.groupEpoch;
        cg.subscribedTopics = topics;
        log.debug("Consumer group target assignment at epoch {} with {}: {}", cg.groupEpoch, assignor.name(),
                cg.target);
    }

    /** The assignor most members ask for; {@code uniform} (Kafka's default) when none asks. */
    private static String chooseAssignor(Collection<ConsumerMember> members) {
        Map<String, Long> votes = members.stream().flatMap(m -> m.serverAssignor.stream())
                .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
        return votes.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse("uniform");
    }
}
