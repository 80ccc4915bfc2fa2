package dev.neons3backup.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FargateLauncherTest {
  private static final Instant RUN = Instant.parse("2026-12-02T03:00:00Z");

  private static WorkItem item(Instant run, String name) {
    return new WorkItem(run, name, new WorkItem.Listed(name), false);
  }

  @Test
  void theClientTokenIsRunTasksSizeAndAlphabetAndNamesTheRun() {
    String longest = "x".repeat(200);
    String token = FargateLauncher.clientToken(item(RUN, longest));
    assertThat(token).hasSize(64).startsWith("2026-12-02_03-00-00-");
    assertThat(token.chars()).allMatch(c -> c >= 33 && c <= 126);
  }

  @Test
  void theClientTokenIsTheSameForTheSameRunAndNameOnly() {
    String token = FargateLauncher.clientToken(item(RUN, "app"));
    assertThat(FargateLauncher.clientToken(item(RUN, "app"))).isEqualTo(token);
    assertThat(FargateLauncher.clientToken(item(RUN, "app2"))).isNotEqualTo(token);
    assertThat(FargateLauncher.clientToken(item(RUN.plusSeconds(86_400), "app")))
        .isNotEqualTo(token);
  }

  @Test
  void noClusterMeansNoLauncher() {
    assertThat(FargateLauncher.fromEnvironment(Map.of("FARGATE_SUBNETS", "subnet-1"))).isEmpty();
  }
}
