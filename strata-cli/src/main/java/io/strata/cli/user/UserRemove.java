package io.strata.cli.user;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata user remove NAME}: deletes a user's SCRAM credentials, every mechanism unless
 * {@code --mechanism} names one; its connections authenticated before keep working until they re-authenticate
 * ({@code connections.max.reauth.ms}), as in Kafka.
 */
@Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a SCRAM user.")
public final class UserRemove extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "User name.")
    String name;

    @Option(names = "--mechanism", paramLabel = "SCRAM-SHA-256|SCRAM-SHA-512", converter = MechanismConverter.class,
            description = "Remove only this mechanism's credential (default: all of the user's).")
    ScramMechanism mechanism;

    @Override
    protected int run(Admin admin) {
        List<ScramMechanism> mechanisms;
        if (mechanism != null) {
            mechanisms = List.of(mechanism);
        } else {
            UserScramCredentialsDescription described;
            try {
                described = Await.get(admin.describeUserScramCredentials(List.of(name)).description(name));
            } catch (ResourceNotFoundException e) {
                throw notFound();
            }
            mechanisms = described.credentialInfos().stream().map(ScramCredentialInfo::mechanism).toList();
            if (mechanisms.isEmpty()) {
                throw notFound();
            }
        }
        // One request per mechanism: a KRaft controller refuses a user changed twice in one request.
        for (ScramMechanism m : mechanisms) {
            try {
                Await.get(admin.alterUserScramCredentials(List.<UserScramCredentialAlteration>of(
                        new UserScramCredentialDeletion(name, m))).all());
            } catch (ResourceNotFoundException e) {
                throw notFound();
            }
        }
        Output.of(spec).line("Removed user '" + name + "' (" + String.join(", ", mechanisms.stream()
                .map(ScramMechanism::mechanismName).toList()) + ").");
        return 0;
    }

    private CliException notFound() {
        return new CliException("user '" + name + "' has no " + (mechanism == null ? "SCRAM"
                : mechanism.mechanismName()) + " credential");
    }

    /** SCRAM-SHA-256 or SCRAM-SHA-512, as Kafka names them. */
    static final class MechanismConverter implements ITypeConverter<ScramMechanism> {
        @Override
        public ScramMechanism convert(String value) {
            ScramMechanism m = ScramMechanism.fromMechanismName(value.trim().toUpperCase(java.util.Locale.ROOT));
            if (m == ScramMechanism.UNKNOWN) {
                throw new picocli.CommandLine.TypeConversionException("expected SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            return m;
        }
    }
}
