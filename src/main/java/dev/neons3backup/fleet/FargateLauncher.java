package dev.neons3backup.fleet;

import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.FargateSettings;
import dev.neons3backup.config.Settings;
import dev.neons3backup.store.S3Clients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

/**
 * Starts one ECS Fargate task per database too big for Lambda: the stack's task definition (the
 * same image, its CLI) with the command {@code work --item <WorkItem JSON>}. The item holds
 * references only, so nothing secret is in the request, the task's description or its logs.
 *
 * <p>RunTask's client token is derived from the run and the backup name: a retried dispatch (or the
 * SDK's own retry of a call whose answer was lost) gets the first task back instead of starting a
 * second one, for as long as ECS keeps the token (24 hours, ECS API Reference, "Ensuring
 * idempotency"). Should a second task start anyway, it skips the backup the first one completed.
 */
public final class FargateLauncher implements TaskLauncher, AutoCloseable {
  /** The container's name in the template's task definition. */
  static final String CONTAINER = "backup";

  static final String STARTED_BY = "neon-s3-backup";

  /** RunTask's limit for clientToken (ASCII 33-126). */
  static final int MAX_TOKEN = 64;

  private final EcsClient ecs;
  private final FargateSettings settings;

  public FargateLauncher(EcsClient ecs, FargateSettings settings) {
    this.ecs = ecs;
    this.settings = settings;
  }

  /** A launcher from {@code FARGATE_*} of {@code env}; empty when FARGATE_CLUSTER is unset. */
  public static Optional<FargateLauncher> fromEnvironment(Map<String, String> env) {
    return FargateSettings.from(env)
        .map(f -> new FargateLauncher(S3Clients.ecs(Settings.from(env), f.endpoint()), f));
  }

  /** Starts the item's task and returns its ARN; an IOException naming the database if not. */
  @Override
  public String launch(WorkItem item) throws IOException {
    RunTaskResponse response;
    try {
      response = ecs.runTask(request(item));
    } catch (SdkException e) {
      throw new IOException(
          "database " + item.name() + ": ECS RunTask failed: " + reason(e) + ".", e);
    }
    if (response.hasFailures() && !response.failures().isEmpty()) {
      throw new IOException(
          "database "
              + item.name()
              + ": Fargate did not start its backup task: "
              + describe(response.failures().get(0))
              + ".");
    }
    if (!response.hasTasks() || response.tasks().isEmpty()) {
      throw new IOException(
          "database " + item.name() + ": ECS RunTask started no task and gave no reason.");
    }
    return response.tasks().get(0).taskArn();
  }

  RunTaskRequest request(WorkItem item) {
    return RunTaskRequest.builder()
        .cluster(settings.cluster())
        .taskDefinition(settings.taskDefinition())
        .launchType(LaunchType.FARGATE)
        .count(1)
        .networkConfiguration(
            n ->
                n.awsvpcConfiguration(
                    a ->
                        a.subnets(settings.subnets())
                            .assignPublicIp(AssignPublicIp.fromValue(settings.assignPublicIp()))))
        .overrides(
            o ->
                o.containerOverrides(
                    c -> c.name(CONTAINER).command(List.of("work", "--item", item.toJson()))))
        .startedBy(STARTED_BY)
        .clientToken(clientToken(item))
        .build();
  }

  /**
   * The run's key time (readable in the console) and a SHA-256 of run and name: 19 + 1 + 44 = 64
   * characters, all within RunTask's allowed ASCII range.
   */
  public static String clientToken(WorkItem item) {
    String stamp = KeyTime.format(item.run());
    String hash = sha256(item.run() + "\n" + item.name());
    return stamp + "-" + hash.substring(0, MAX_TOKEN - stamp.length() - 1);
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String describe(Failure f) {
    String reason = f.reason() == null ? "no reason given" : f.reason();
    return f.detail() == null || f.detail().isBlank() ? reason : reason + " (" + f.detail() + ")";
  }

  private static String reason(SdkException e) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      return s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage();
    }
    return e.getMessage();
  }

  @Override
  public void close() {
    ecs.close();
  }
}
