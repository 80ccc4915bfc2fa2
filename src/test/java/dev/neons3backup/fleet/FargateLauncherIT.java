package dev.neons3backup.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neons3backup.config.FargateSettings;
import dev.neons3backup.testing.EcsEmulator;
import dev.neons3backup.testing.EcsEmulator.Recorded;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Fargate route's RunTask through the real SDK client against the local ECS stand-in. */
class FargateLauncherIT {
  private static final Instant RUN = Instant.parse("2026-12-02T03:00:00Z");
  private static final String DB_PASSWORD = "Leak3dPw7731";
  private static final String NEON_KEY = "napi_leakedkey0000000000000000000000000000000000000000";

  /** The dispatcher's environment, with secrets the request must never carry. */
  private static final Map<String, String> ENV =
      Map.of(
          "FARGATE_CLUSTER", "arn:aws:ecs:us-east-1:123456789012:cluster/neon-backup",
          "FARGATE_TASK_DEFINITION",
              "arn:aws:ecs:us-east-1:123456789012:task-definition/neon-backup-task:3",
          "FARGATE_SUBNETS", "subnet-0aa11, subnet-0bb22",
          "DATABASE_URL", "postgresql://app:" + DB_PASSWORD + "@db.example/app",
          "NEON_API_KEY", NEON_KEY,
          "SECRET_NAME", "neon-db-backup-urls");

  private final EcsEmulator ecs = new EcsEmulator();
  private final FargateLauncher launcher =
      new FargateLauncher(ecs.clientBuilder().build(), FargateSettings.from(ENV).orElseThrow());

  @AfterEach
  void stop() {
    launcher.close();
    ecs.close();
  }

  private static WorkItem neonItem(String name) {
    return new WorkItem(
        RUN, name, new WorkItem.Neon("round-king-123", "br-main-1", "neondb", "owner"), false);
  }

  @Test
  void startsOneFargateTaskRunningWorkOnTheItemAndSendsNoCredential() throws IOException {
    WorkItem item = neonItem("round-king-123.br-main-1.neondb");

    String arn = launcher.launch(item);

    assertThat(ecs.startedTasks()).containsExactly(arn);
    assertThat(arn).startsWith("arn:aws:ecs:us-east-1:123456789012:task/neon-backup/");
    Recorded request = ecs.requests().get(0);
    assertThat(request.target()).isEqualTo(EcsEmulator.TARGET_PREFIX + "RunTask");
    JsonNode body = request.json();
    assertThat(body.path("cluster").asText()).isEqualTo(ENV.get("FARGATE_CLUSTER"));
    assertThat(body.path("taskDefinition").asText()).isEqualTo(ENV.get("FARGATE_TASK_DEFINITION"));
    assertThat(body.path("launchType").asText()).isEqualTo("FARGATE");
    assertThat(body.path("count").asInt()).isEqualTo(1);
    assertThat(body.path("startedBy").asText()).isEqualTo("neon-s3-backup");
    JsonNode vpc = body.path("networkConfiguration").path("awsvpcConfiguration");
    assertThat(vpc.path("subnets"))
        .extracting(JsonNode::asText)
        .containsExactly("subnet-0aa11", "subnet-0bb22");
    assertThat(vpc.path("assignPublicIp").asText()).isEqualTo("DISABLED");
    JsonNode container = body.path("overrides").path("containerOverrides").get(0);
    assertThat(container.path("name").asText()).isEqualTo("backup");
    List<String> command =
        List.of(
            container.path("command").get(0).asText(),
            container.path("command").get(1).asText(),
            container.path("command").get(2).asText());
    assertThat(command.subList(0, 2)).containsExactly("work", "--item");
    assertThat(container.path("command")).hasSize(3);
    assertThat(WorkItem.parse(command.get(2))).isEqualTo(item);
    assertThat(body.path("clientToken").asText()).isEqualTo(FargateLauncher.clientToken(item));
    assertThat(request.all())
        .doesNotContain(DB_PASSWORD, NEON_KEY, "postgresql://", "neon-db-backup-urls");
  }

  @Test
  void aCapacityFailureIsOneLineNamingTheDatabaseAndItsReason() {
    ecs.failWith(
        "Capacity is unavailable at this time. Please try again later or in a different"
            + " availability zone",
        null);
    WorkItem item = new WorkItem(RUN, "big-db", new WorkItem.Listed("big-db"), false);

    assertThatThrownBy(() -> launcher.launch(item))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "database big-db: Fargate did not start its backup task: Capacity is unavailable at"
                + " this time. Please try again later or in a different availability zone.");
    assertThat(ecs.startedTasks()).isEmpty();
  }

  @Test
  void anErrorAnswerIsOneLineNamingTheDatabase() {
    FargateSettings wrong = FargateSettings.from(ENV).orElseThrow();
    FargateSettings noSubnets =
        new FargateSettings(
            wrong.cluster(), wrong.taskDefinition(), List.of(), "DISABLED", wrong.endpoint());
    try (FargateLauncher bad = new FargateLauncher(ecs.clientBuilder().build(), noSubnets)) {
      assertThatThrownBy(() -> bad.launch(neonItem("p.b.d")))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("database p.b.d: ECS RunTask failed: InvalidParameterException:")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void theSameItemLaunchedTwiceStartsOneTaskWithOneClientToken() throws IOException {
    WorkItem item = neonItem("round-king-123.br-main-1.neondb");

    String first = launcher.launch(item);
    String second = launcher.launch(WorkItem.parse(item.toJson()));
    String other = launcher.launch(neonItem("round-king-123.br-main-1.other"));

    assertThat(second).isEqualTo(first);
    assertThat(ecs.startedTasks()).containsExactly(first, other);
    List<String> tokens =
        ecs.requests().stream().map(r -> r.json().path("clientToken").asText()).toList();
    assertThat(tokens.get(0)).isEqualTo(tokens.get(1)).isNotEqualTo(tokens.get(2));
    assertThat(tokens.get(0)).hasSizeLessThanOrEqualTo(64);
  }
}
