package dev.neons3backup.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.catalog.Manifest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a database goes: a queue worker, or a Fargate task when it may not fit in Lambda. */
class RoutePolicyTest {
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  private static Optional<Manifest> previous(Long durationMillis, long rawBytes) {
    return Optional.of(
        new Manifest(
            1,
            "db",
            "db/2026-12-01_02-00-00.sql.gz",
            null,
            null,
            durationMillis,
            "gzip",
            null,
            rawBytes,
            rawBytes / 4,
            "00",
            "15",
            "15",
            List.of(),
            0,
            Map.of(),
            null,
            null));
  }

  @Test
  void aDatabaseWithNoBackupYetGoesToTheQueueWithoutWarning() {
    RoutePolicy.Route route = new RoutePolicy(TEN_MINUTES, true).route("db", Optional.empty());
    assertThat(route).isEqualTo(new RoutePolicy.Route("queue", Optional.empty()));
  }

  @Test
  void aQuickSmallDatabaseGoesToTheQueue() {
    assertThat(new RoutePolicy(TEN_MINUTES, true).route("db", previous(60_000L, 1 << 20)).route())
        .isEqualTo("queue");
  }

  @Test
  void aDatabaseWhoseLastBackupTookLongerThanTheThresholdGoesToFargateWhenConfigured() {
    RoutePolicy.Route route =
        new RoutePolicy(TEN_MINUTES, true).route("db", previous(11 * 60_000L, 1 << 20));
    assertThat(route).isEqualTo(new RoutePolicy.Route("fargate", Optional.empty()));
  }

  @Test
  void withoutFargateASlowDatabaseStaysOnTheQueueWithAWarningNamingIt() {
    RoutePolicy.Route route =
        new RoutePolicy(TEN_MINUTES, false).route("big-db", previous(12 * 60_000L, 1 << 20));
    assertThat(route.route()).isEqualTo("queue");
    assertThat(route.warning())
        .contains(
            "database big-db: its last backup took 12 min; it may not fit in Lambda's 15 minutes;"
                + " give the stack FargateSubnets (see README)");
  }

  @Test
  void aDatabaseAboveTheSizeCeilingGoesToFargateEvenWhenItsLastBackupWasQuick() {
    Optional<Manifest> big = previous(60_000L, RoutePolicy.SIZE_CEILING_BYTES + 1);
    assertThat(new RoutePolicy(TEN_MINUTES, true).route("db", big).route()).isEqualTo("fargate");
    assertThat(new RoutePolicy(TEN_MINUTES, false).route("db", big).warning().orElseThrow())
        .startsWith("database db: its last backup read 8 GiB");
  }

  @Test
  void aRebuiltManifestWithoutADurationIsJudgedBySizeOnly() {
    assertThat(new RoutePolicy(TEN_MINUTES, true).route("db", previous(null, 1 << 20)).route())
        .isEqualTo("queue");
  }

  @Test
  void theThresholdIsTheConfiguredOne() {
    RoutePolicy twoMinutes = new RoutePolicy(Duration.ofMinutes(2), true);
    assertThat(twoMinutes.route("db", previous(3 * 60_000L, 1 << 20)).route()).isEqualTo("fargate");
  }
}
