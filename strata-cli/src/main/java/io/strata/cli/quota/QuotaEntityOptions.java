package io.strata.cli.quota;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Which quota entity a command names: {@code --user NAME} and/or {@code --client-id ID}, or the default of either
 * with {@code --default user} / {@code --default client-id} (Kafka's {@code <default>}, which applies to every user or
 * client id without a quota of its own).
 */
final class QuotaEntityOptions {

    @Option(names = "--user", paramLabel = "NAME", description = "A user (the principal's name, e.g. alice).")
    String user;

    @Option(names = "--client-id", paramLabel = "ID", description = "A client id (client.id of the clients).")
    String clientId;

    @Option(names = "--default", paramLabel = "user|client-id", split = ",",
            description = "The default user or client id (repeat or separate with commas for both).")
    List<String> defaults = new ArrayList<>();

    /** Entity type to name (null for the default); empty when no option was given. */
    Map<String, String> components(CommandSpec spec) {
        Map<String, String> components = new HashMap<>();
        if (user != null) {
            components.put(ClientQuotaEntity.USER, user);
        }
        if (clientId != null) {
            components.put(ClientQuotaEntity.CLIENT_ID, clientId);
        }
        for (String d : defaults) {
            String type = switch (d.trim()) {
                case "user", "users" -> ClientQuotaEntity.USER;
                case "client-id", "client", "clients" -> ClientQuotaEntity.CLIENT_ID;
                default -> throw new ParameterException(spec.commandLine(),
                        "--default takes user or client-id, not '" + d + "'");
            };
            if (components.containsKey(type)) {
                throw new ParameterException(spec.commandLine(), "both a name and --default for " + type);
            }
            components.put(type, null);
        }
        return components;
    }

    /** The entity; bad usage (exit 2) when none was named. */
    ClientQuotaEntity entity(CommandSpec spec) {
        Map<String, String> components = components(spec);
        if (components.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "name a --user, a --client-id or a --default");
        }
        return new ClientQuotaEntity(components);
    }

    /** Filter components matching exactly the named entity types (a default matches only the default). */
    List<ClientQuotaFilterComponent> filter(CommandSpec spec) {
        List<ClientQuotaFilterComponent> filter = new ArrayList<>();
        components(spec).forEach((type, name) -> filter.add(name == null ? ClientQuotaFilterComponent.ofDefaultEntity(
                type) : ClientQuotaFilterComponent.ofEntity(type, name)));
        return filter;
    }

    /** Kafka's text form of an entity: {@code user=alice, client-id=<default>}. */
    static String describe(ClientQuotaEntity entity) {
        List<String> parts = new ArrayList<>();
        for (String type : List.of(ClientQuotaEntity.USER, ClientQuotaEntity.CLIENT_ID)) {
            if (entity.entries().containsKey(type)) {
                String name = entity.entries().get(type);
                parts.add(type + "=" + (name == null ? "<default>" : name));
            }
        }
        return String.join(", ", parts);
    }
}
