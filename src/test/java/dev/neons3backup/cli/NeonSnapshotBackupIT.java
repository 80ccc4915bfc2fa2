package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.neon.NeonApi;
import dev.neons3backup.neon.NeonConfig;
import dev.neons3backup.neon.NeonSnapshots;
import dev.neons3backup.neon.Snapshot;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import dev.neons3backup.testing.PostgresCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot mode end to end: {@code backup --neon --snapshot} through the CLI, against the Neon API
 * emulator (its branch creation copies the parent's databases in the local cluster) and a local
 * store.
 */
class NeonSnapshotBackupIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final String KEY = "napi_snapshot0123456789abcdefSECRET";
  private static final String ROLE = "nsn_owner";
  private static final String ROLE_PW = "NsnRolePw97531abc";
  private static final String PROJECT = "gold-sun-444";
  private static final String BRANCH = "br-gold-main";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private NeonApiEmulator neon;

  @BeforeEach
  void emulator() {
    for (String db : List.of("nsn_orders", "nsn_users")) {
      PG.psql("postgres", "DROP DATABASE IF EXISTS " + db);
    }
    neon = NeonApiEmulator.on(PG);
    neon.org("org-g", "Gold");
    neon.key(KEY, KeyKind.ORGANIZATION, Set.of("org-g"), null);
    neon.role(ROLE, ROLE_PW);
    neon.project("org-g", PROJECT, "gold", 15)
        .branch(BRANCH, "main", true, 1024)
        .database("nsn_orders", ROLE)
        .database("nsn_users", ROLE);
    neon.createInCluster(PG);
    PG.psql("nsn_orders", "CREATE TABLE t(id int); INSERT INTO t VALUES (1), (2), (3)");
    PG.psql("nsn_orders", "ALTER TABLE t OWNER TO " + ROLE);
  }

  @AfterEach
  void stop() {
    neon.close();
  }

  @Test
  void backupFromASnapshotRecordsItInTheManifestAndLeavesNoSnapshotBranch() throws Exception {
    Result r =
        CliInProcess.run(
            work,
            Map.of("NEON_API_KEY", KEY, "NEON_API_URL", neon.url()),
            "backup",
            "--neon",
            "--snapshot",
            "--project",
            "gold",
            "--store",
            "file:" + work.resolve("store"));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("Backup complete: 2 succeeded, 0 failed out of 2 databases\n");
    JsonNode m = manifest(PROJECT + "." + BRANCH + ".nsn_orders");
    assertThat(m.get("totalRows").asLong()).isEqualTo(3);
    assertThat(m.at("/neon/projectId").asText()).isEqualTo(PROJECT);
    assertThat(m.at("/neon/branchId").asText()).isEqualTo(BRANCH);
    assertThat(m.at("/neon/parentBranchId").asText()).isEqualTo(BRANCH);
    assertThat(m.at("/neon/snapshotBranchId").asText()).isNotBlank().isNotEqualTo(BRANCH);
    assertThat(m.at("/neon/parentTimestamp").asText()).isNotBlank();
    assertThat(neon.projects)
        .allSatisfy(
            p ->
                assertThat(p.branches)
                    .noneMatch(b -> b.name.startsWith(NeonSnapshots.NAME_PREFIX)));
    assertThat(r.all()).doesNotContain(KEY).doesNotContain(ROLE_PW);
  }

  @Test
  void aSnapshotBranchLeftByACrashedRunIsDeletedByTheNextRun() {
    NeonApi api =
        new NeonApi(NeonConfig.from(Map.of("NEON_API_KEY", KEY, "NEON_API_URL", neon.url())));
    // Taken and never closed: the run that took it crashed, two nights ago.
    Snapshot crashed =
        new NeonSnapshots(api, Clock.systemUTC(), Duration.ofHours(1))
            .take(PROJECT, BRANCH, Instant.now());
    neon.branches().stream()
        .filter(b -> b.id.equals(crashed.branchId()))
        .forEach(b -> b.createdAt = Instant.now().minus(Duration.ofDays(2)));

    Result r =
        CliInProcess.run(
            work,
            Map.of("NEON_API_KEY", KEY, "NEON_API_URL", neon.url()),
            "backup",
            "--neon",
            "--snapshot",
            "--store",
            "file:" + work.resolve("store"));

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(neon.snapshots().deleted).contains(crashed.branchId());
    assertThat(neon.branches()).noneMatch(b -> b.name.startsWith(NeonSnapshots.NAME_PREFIX));
    assertThat(neon.snapshots().localCopies()).isEmpty();
  }

  private JsonNode manifest(String database) throws IOException {
    try (Stream<Path> files = Files.list(work.resolve("store").resolve(database))) {
      Path m =
          files
              .filter(p -> p.getFileName().toString().endsWith(".manifest.json"))
              .findFirst()
              .orElseThrow();
      return JSON.readTree(m.toFile());
    }
  }
}
