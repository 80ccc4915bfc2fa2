package dev.neons3backup.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.fleet.Runs;
import dev.neons3backup.store.LocalBackupStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet's plans and reports under _runs/ are never taken for backups. */
class RunsAreNoBackupsTest {
  private static final Instant RUN = Instant.parse("2026-12-02T02:00:00Z");

  @Test
  void planAndReportKeysDoNotParseAsBackupKeys() {
    assertThat(BackupKey.parse(Runs.planKey(RUN))).isEmpty();
    assertThat(BackupKey.parse(Runs.reportKey(RUN))).isEmpty();
    assertThat(Runs.planKey(RUN)).isEqualTo("_runs/2026-12-02_02-00-00/plan.json");
  }

  @Test
  void theRunsFolderCannotBeADatabaseName() {
    assertThatThrownBy(() -> DatabaseTarget.checkName("_runs"))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("'_runs' is reserved");
    DatabaseTarget.checkName("_runs2");
  }

  @Test
  void theCatalogListsNoBackupForAStoreHoldingOnlyRunObjects(@TempDir Path dir) throws Exception {
    try (LocalBackupStore store = new LocalBackupStore(dir)) {
      store.putIfAbsent(
          Runs.planKey(RUN), "{}".getBytes(StandardCharsets.UTF_8), "application/json");
      store.putIfAbsent(
          Runs.reportKey(RUN), "{}".getBytes(StandardCharsets.UTF_8), "application/json");
      assertThat(Files.exists(dir.resolve("_runs"))).isTrue();
      assertThat(new Catalog(store).list(Optional.empty())).isEmpty();
    }
  }
}
