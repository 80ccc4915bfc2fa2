package dev.neons3backup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.Settings;
import dev.neons3backup.pg.PgClient;
import dev.neons3backup.pg.PgDatabase;
import dev.neons3backup.store.LocalBackupStore;
import dev.neons3backup.testing.PostgresCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drill never drops a database it did not create. */
class DrillScratchIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final ExecutorService READERS = Executors.newCachedThreadPool();
  private static final PgClient CLIENT =
      new PgClient(List.of(PG.binDir()), READERS, new PgClient.Retry(1, Duration.ofMillis(100)));

  @TempDir Path dir;

  @AfterAll
  static void stopReaders() {
    READERS.shutdownNow();
  }

  @Test
  void refusesAScratchNameThatIsTakenAndLeavesThatDatabaseAlone() throws Exception {
    String taken = "nsb_drill_" + UUID.randomUUID().toString().substring(0, 8);
    PG.createDatabase(taken);
    PG.psql(taken, "CREATE TABLE mine (x int); INSERT INTO mine VALUES (1);");
    try (LocalBackupStore store = new LocalBackupStore(dir)) {
      BackupEntry entry = backup(store);
      Drill drill = new Drill(store, CLIENT, Clock.systemUTC(), () -> taken);
      assertThatThrownBy(() -> drill.run(entry, scratch()))
          .hasMessageContaining("already has a database '" + taken + "'")
          .hasMessageContaining("refuses");
      assertThat(PG.psql(taken, "SELECT count(*) FROM mine").strip()).isEqualTo("1");
      assertThat(store.list("")).noneMatch(k -> k.endsWith(".drill.json"));
    } finally {
      PG.dropDatabase(taken);
    }
  }

  @Test
  void dropsOnlyADatabaseThatCarriesItsOwnMark() {
    String unmarked = "nsb_drill_" + UUID.randomUUID().toString().substring(0, 8);
    String otherMark = "nsb_drill_" + UUID.randomUUID().toString().substring(0, 8);
    PG.createDatabase(unmarked);
    PG.createDatabase(otherMark);
    PG.psql("postgres", "COMMENT ON DATABASE " + otherMark + " IS '" + Drill.MARK + "feedface'");
    try {
      PgDatabase admin = CLIENT.connect(scratch(), () -> false);
      assertThat(Drill.dropIfOurs(admin, unmarked, "0123456789abcdef"))
          .contains("does not carry this drill's mark");
      assertThat(Drill.dropIfOurs(admin, otherMark, "0123456789abcdef"))
          .contains("does not carry this drill's mark");
      assertThat(exists(unmarked)).isTrue();
      assertThat(exists(otherMark)).isTrue();
    } finally {
      PG.dropDatabase(unmarked);
      PG.dropDatabase(otherMark);
    }
  }

  @Test
  void aDrillDropsOnlyMarkedLeftoversOlderThanTheBound() throws Exception {
    String old = "nsb_drill_" + UUID.randomUUID().toString().substring(0, 8);
    String fresh = "nsb_drill_" + UUID.randomUUID().toString().substring(0, 8);
    String unmarked = "nsb_drill_" + UUID.randomUUID().toString().substring(0, 8);
    Instant now = Instant.now();
    // As a drill killed 7 hours ago, one killed (or still running) a minute ago, and a lookalike.
    PG.createDatabase(old);
    PG.createDatabase(fresh);
    PG.createDatabase(unmarked);
    mark(old, now.minus(Duration.ofHours(7)));
    mark(fresh, now.minus(Duration.ofMinutes(1)));
    try (LocalBackupStore store = new LocalBackupStore(dir)) {
      backup(store, List.of("a"));
      List<DrillResult> results =
          new Drills(store, CLIENT, Clock.systemUTC()).run(Optional.empty(), 0, scratch());
      assertThat(results).singleElement().matches(DrillResult::passed);
      assertThat(exists(old)).isFalse();
      assertThat(exists(fresh)).isTrue();
      assertThat(exists(unmarked)).isTrue();
    } finally {
      PG.dropDatabase(old);
      PG.dropDatabase(fresh);
      PG.dropDatabase(unmarked);
    }
  }

  @Test
  void aSampleDrillsEveryDatabaseWithinCeilTotalOverNRuns() throws Exception {
    try (LocalBackupStore store = new LocalBackupStore(dir)) {
      backup(store, List.of("a", "b", "c"));
      Drills drills = new Drills(store, CLIENT, Clock.systemUTC());
      List<String> drilled = new java.util.ArrayList<>();
      for (int run = 0; run < 4; run++) {
        List<DrillResult> results = drills.run(Optional.empty(), 1, scratch());
        assertThat(results).hasSize(1).allMatch(DrillResult::passed);
        drilled.add(results.get(0).database());
      }
      // Never drilled first, then the one drilled longest ago.
      assertThat(drilled).containsExactly("a", "b", "c", "a");
    }
  }

  private static BackupEntry backup(LocalBackupStore store) {
    backup(store, List.of("src"));
    try (BackupService service =
        new BackupService(store, Settings.from(Map.of()), Clock.systemUTC())) {
      return service.find("src", Optional.empty());
    }
  }

  private static void backup(LocalBackupStore store, List<String> names) {
    String db = "drl_src_" + UUID.randomUUID().toString().substring(0, 6);
    PG.createDatabase(db);
    PG.psql(db, "CREATE TABLE t AS SELECT g FROM generate_series(1, 10) g;");
    BackupService service = new BackupService(store, Settings.from(Map.of()), Clock.systemUTC());
    try {
      var report =
          service.backup(
              names.stream().map(n -> DatabaseTarget.of(n, PG.url(db))).toList(),
              Instant.now(),
              Deadline.NONE);
      assertThat(report.ok()).as(report.toString()).isTrue();
    } finally {
      PG.dropDatabase(db);
    }
  }

  private static void mark(String db, Instant created) {
    PG.psql(
        "postgres",
        "COMMENT ON DATABASE " + db + " IS '" + Drill.MARK + "0123456789abcdef " + created + "'");
  }

  private static DatabaseTarget scratch() {
    return DatabaseTarget.of("scratch", PG.url("postgres"));
  }

  private static boolean exists(String db) {
    return PG.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + db + "'")
        .strip()
        .equals("1");
  }
}
