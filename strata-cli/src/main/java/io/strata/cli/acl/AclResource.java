package io.strata.cli.acl;

import java.util.Locale;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The resource options every {@code strata acl} command shares, as {@code kafka-acls} names them: one of
 * {@code --topic}, {@code --group}, {@code --transactional-id}, {@code --cluster}, and
 * {@code --resource-pattern-type}. Not thread-safe (picocli fills it).
 */
final class AclResource {

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Name name;

    @Option(names = "--resource-pattern-type", paramLabel = "TYPE", converter = PatternTypeConverter.class,
            description = "literal or prefixed (add, remove; default literal); list also takes any and match "
                    + "(default any).")
    PatternType patternType;

    static final class Name {
        @Option(names = "--topic", paramLabel = "TOPIC", description = "A topic (* for every topic).")
        String topic;

        @Option(names = "--group", paramLabel = "GROUP", description = "A consumer group (* for every group).")
        String group;

        @Option(names = "--transactional-id", paramLabel = "ID", description = "A transactional id (* for all).")
        String transactionalId;

        @Option(names = "--cluster", description = "The cluster.")
        boolean cluster;
    }

    /** Add and remove act on exactly one resource pattern: a named resource, literal or prefixed. */
    void requireOnePattern(CommandSpec spec) {
        if (name == null) {
            throw new ParameterException(spec.commandLine(), "name a resource: --topic, --group, "
                    + "--transactional-id or --cluster");
        }
        if (patternType != null && patternType != PatternType.LITERAL && patternType != PatternType.PREFIXED) {
            throw new ParameterException(spec.commandLine(), "--resource-pattern-type must be literal or "
                    + "prefixed here");
        }
    }

    /** The one resource pattern that add and remove act on; literal unless told otherwise. */
    ResourcePattern pattern() {
        return new ResourcePattern(type(), resourceName(), patternType == null ? PatternType.LITERAL : patternType);
    }

    /** What list filters on: every resource when none is named. */
    ResourcePatternFilter filter() {
        PatternType type = patternType == null ? PatternType.ANY : patternType;
        return name == null ? new ResourcePatternFilter(ResourceType.ANY, null, type)
                : new ResourcePatternFilter(type(), resourceName(), type);
    }

    private ResourceType type() {
        return name.topic != null ? ResourceType.TOPIC : name.group != null ? ResourceType.GROUP
                : name.transactionalId != null ? ResourceType.TRANSACTIONAL_ID : ResourceType.CLUSTER;
    }

    private String resourceName() {
        return name.topic != null ? name.topic : name.group != null ? name.group
                : name.transactionalId != null ? name.transactionalId : "kafka-cluster";
    }

    /** literal, prefixed, any, match, in any case. */
    static final class PatternTypeConverter implements ITypeConverter<PatternType> {
        @Override
        public PatternType convert(String value) {
            PatternType type = PatternType.fromString(value.trim().toUpperCase(Locale.ROOT));
            if (type == PatternType.UNKNOWN) {
                throw new TypeConversionException("expected literal, prefixed, any or match");
            }
            return type;
        }
    }

    /** Kafka's operation names in any case, with or without separators: Read, DESCRIBE_CONFIGS, AlterConfigs. */
    static final class OperationConverter implements ITypeConverter<AclOperation> {
        @Override
        public AclOperation convert(String value) {
            String wanted = value.replace("_", "").replace("-", "").toUpperCase(Locale.ROOT);
            for (AclOperation op : AclOperation.values()) {
                if (op != AclOperation.UNKNOWN && op != AclOperation.ANY
                        && op.name().replace("_", "").equals(wanted)) {
                    return op;
                }
            }
            throw new TypeConversionException("unknown operation '" + value + "' (expected one of All, Read, "
                    + "Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, "
                    + "IdempotentWrite)");
        }
    }
}
