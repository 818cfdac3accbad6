package io.strata.cli.user;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata user list}: every SCRAM user with its mechanisms and iteration counts (never a secret). JSON
 * schema: {@code {"users":[{"user","mechanism","iterations"}]}}, sorted by user then mechanism.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List SCRAM users and their mechanisms.")
public final class UserList extends AdminCommand {

    @Mixin
    OutputOption output;

    @Override
    protected int run(Admin admin) {
        Map<String, UserScramCredentialsDescription> users = new TreeMap<>(Await.get(
                admin.describeUserScramCredentials().all()));
        List<Map<String, Object>> rows = new ArrayList<>();
        users.forEach((user, description) -> description.credentialInfos().stream()
                .sorted(java.util.Comparator.comparing((ScramCredentialInfo i) -> i.mechanism().mechanismName()))
                .forEach(info -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("user", user);
                    row.put("mechanism", info.mechanism().mechanismName());
                    row.put("iterations", info.iterations());
                    rows.add(row);
                }));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            out.json(Map.of("users", rows));
        } else {
            Table table = Table.of("USER", "MECHANISM", "ITERATIONS");
            rows.forEach(r -> table.row(String.valueOf(r.get("user")), String.valueOf(r.get("mechanism")),
                    String.valueOf(r.get("iterations"))));
            out.table(table);
        }
        return 0;
    }
}
