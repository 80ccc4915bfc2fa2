package dev.neons3backup.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.DrillRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusRulesTest {
  private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
  private static final StatusRules RULES = new StatusRules(NOW, 26, 50);

  private static DatabaseHealth health(
      Optional<BackupEntry> newest,
      Optional<BackupEntry> previous,
      int notComplete,
      boolean verified,
      Optional<DrillRecord> drill) {
    return new DatabaseHealth(
        "db",
        newest,
        previous,
        notComplete,
        verified ? Optional.of(NOW.minusSeconds(60)) : Optional.empty(),
        drill,
        List.of());
  }

  private static Optional<BackupEntry> at(long hoursAgo, long raw, long rows) {
    return Optional.of(
        HealthFixtures.complete("db", NOW.minus(Duration.ofHours(hoursAgo)), raw, rows));
  }

  @Test
  void aFreshVerifiedSteadyDatabaseRaisesNothing() {
    DatabaseStatus s =
        RULES.assess(health(at(2, 1000, 100), at(26, 1000, 100), 0, true, Optional.empty()));
    assertThat(s.flags()).isEmpty();
    assertThat(s.age()).contains(Duration.ofHours(2));
  }

  @Test
  void aBackupOlderThanTheLimitIsStaleAndOneAtTheLimitIsNot() {
    assertThat(
            RULES.assess(health(at(27, 1, 1), Optional.empty(), 0, true, Optional.empty())).flags())
        .containsExactly(Flag.STALE);
    assertThat(
            RULES.assess(health(at(26, 1, 1), Optional.empty(), 0, true, Optional.empty())).flags())
        .isEmpty();
  }

  @Test
  void aFallPastTheThresholdIsShrunkUnlessTheThresholdIsOff() {
    DatabaseHealth h = health(at(1, 400, 100), at(25, 1000, 100), 0, true, Optional.empty());
    DatabaseStatus s = RULES.assess(h);
    assertThat(s.flags()).containsExactly(Flag.SHRUNK);
    assertThat(s.reasons().get(0))
        .isEqualTo("raw size fell 60 % since the previous backup (1000 → 400)");
    assertThat(new StatusRules(NOW, 26, 0).assess(h).flags()).isEmpty();
    assertThat(new StatusRules(NOW, 26, 60).assess(h).flags()).isEmpty();
  }

  @Test
  void neverVerifiedAndAFailedNewestDrillAreFlagsAndAPassedDrillIsNot() {
    DatabaseStatus s =
        RULES.assess(
            health(
                at(1, 1, 1),
                Optional.empty(),
                0,
                false,
                Optional.of(HealthFixtures.drill("failed", "rows differ"))));
    assertThat(s.flags()).containsExactly(Flag.NEVER_VERIFIED, Flag.DRILL_FAILED);
    assertThat(s.reasons().get(1))
        .isEqualTo("drill of db/k.sql.gz failed at 2026-11-23T03:00:00Z: rows differ");
    assertThat(
            RULES
                .assess(
                    health(
                        at(1, 1, 1),
                        Optional.empty(),
                        0,
                        true,
                        Optional.of(HealthFixtures.drill("passed", null))))
                .flags())
        .isEmpty();
  }

  @Test
  void anIncompleteNewerBackupOrNoCompleteOneIsIncomplete() {
    assertThat(
            RULES.assess(health(at(1, 1, 1), Optional.empty(), 1, true, Optional.empty())).flags())
        .containsExactly(Flag.INCOMPLETE);
    DatabaseStatus none =
        RULES.assess(health(Optional.empty(), Optional.empty(), 2, false, Optional.empty()));
    assertThat(none.flags()).containsExactly(Flag.STALE, Flag.NEVER_VERIFIED, Flag.INCOMPLETE);
    assertThat(none.reasons()).contains("2 backup(s), none complete (run list --name db)");
  }
}
