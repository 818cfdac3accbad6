package io.strata.cli.user;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata user add NAME --password ...}: sets a user's SCRAM credential (AlterUserScramCredentials); the
 * client salts and hashes the password, so only the salted form travels. Adding an existing user changes the
 * password.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Add a SCRAM user, or change its password.")
public final class UserAdd extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "User name.")
    String name;

    @ArgGroup(multiplicity = "1")
    Secret secret;

    static final class Secret {
        @Option(names = "--password", paramLabel = "PASSWORD", description = "The password (visible in ps).")
        String password;

        @Option(names = "--password-file", paramLabel = "FILE", description = "A file whose first line is the "
                + "password.")
        Path passwordFile;
    }

    @Option(names = "--mechanism", paramLabel = "SCRAM-SHA-256|SCRAM-SHA-512", defaultValue = "SCRAM-SHA-512",
            converter = UserRemove.MechanismConverter.class,
            description = "SCRAM mechanism (default: ${DEFAULT-VALUE}).")
    ScramMechanism mechanism;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "4096",
            description = "Hash iterations, 4096 to 16384 (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Override
    protected int run(Admin admin) {
        Await.get(admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                new ScramCredentialInfo(mechanism, iterations), password()))).all());
        Output.of(spec).line("Set the " + mechanism.mechanismName() + " credential of user '" + name + "'.");
        return 0;
    }

    private String password() {
        if (secret.password != null) {
            return secret.password;
        }
        try {
            return Files.readAllLines(secret.passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                    .filter(p -> !p.isEmpty()).orElseThrow(() -> new CliException("--password-file "
                            + secret.passwordFile + " is empty"));
        } catch (IOException e) {
            throw new CliException("cannot read --password-file " + secret.passwordFile + ": " + e.getMessage());
        }
    }
}
