package dev.neons3backup.cli;

import dev.neons3backup.BackupException;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.config.Settings;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.fleet.WorkItemTargets;
import dev.neons3backup.neon.ResolvedTargets;
import dev.neons3backup.store.S3Clients;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The fleet's Fargate task: backs up the one database of a work item, as the Lambda worker does
 * with a queue message (same lookup, the run's key time), so a task started twice for the same item
 * skips the complete backup the first one stored.
 */
@Command(
    name = "work",
    description =
        "Internal, for the fleet's Fargate tasks: back up the one database of a work item with its"
            + " run's time.")
final class WorkCommand implements Callable<Integer> {
  static final String WORK_ITEM = "WORK_ITEM";

  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(
      names = "--item",
      paramLabel = "JSON",
      description = "the work item, as the dispatcher writes it (else $WORK_ITEM)")
  String item;

  @Option(
      names = "--secret-id",
      paramLabel = "ID",
      description = "Secrets Manager secret listing the databases (else $SECRET_NAME)")
  String secretId;

  @Override
  public Integer call() {
    Map<String, String> env = main.invocation.env();
    WorkItem work = WorkItem.parse(itemJson(env));
    Settings settings = main.settings();
    // A snapshot item's branch is taken before and deleted after the backup, as in the worker.
    return WorkItemTargets.fromEnvironment(env)
        .backUp(
            work,
            secret(settings),
            Clock.systemUTC(),
            target ->
                BackupCommand.backUp(
                    main,
                    settings,
                    spec,
                    work.run(),
                    ctx -> ResolvedTargets.listedOnly(TargetList.of(List.of(target)))));
  }

  private String itemJson(Map<String, String> env) {
    String json = item != null ? item : env.get(WORK_ITEM);
    if (json == null || json.isBlank()) {
      throw BackupException.config("no work item given; use --item JSON or set WORK_ITEM.");
    }
    return json;
  }

  private TargetList secret(Settings settings) {
    String id = secretId != null ? secretId : settings.secretName();
    try (SecretsManagerClient client = S3Clients.secrets(settings)) {
      return SecretTargets.load(client, id);
    }
  }
}
