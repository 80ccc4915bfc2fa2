package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * list, verify, restore and prune tell a complete backup (object and readable manifest) from an
 * incomplete one and from a corrupt manifest, on a local store, through the command line.
 */
class IncompleteBackupCliIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String source;

  @TempDir Path work;

  @BeforeAll
  static void sourceDatabase() {
    source = "cli_inc_" + UUID.randomUUID().toString().substring(0, 6);
    PG.createDatabase(source);
    PG.psql(source, "CREATE TABLE t AS SELECT g FROM generate_series(1, 500) g;");
  }

  private Result cli(String... args) {
    return CliInProcess.run(work, Map.of(), args);
  }

  @Test
  void restoreOfADatabaseWithoutBackupsIsOneLineWithExitTwo() {
    assertThat(cli("backup", "--url", PG.url(source), "--name", "shop").exit()).isZero();
    for (String name : List.of("nothing-here", "../x", "a b", "x/y")) {
      Result r = cli("restore", "--name", name, "--target-url", PG.url("never_" + source));
      assertThat(r.exit()).as(name + ": " + r.all()).isEqualTo(2);
      assertThat(r.err().strip()).as(name).doesNotContain("\n", "Exception").contains(name);
    }
    assertThat(cli("restore", "--name", "nothing-here", "--target-url", PG.url(source)).err())
        .contains("error: database 'nothing-here' has no backups in ")
        .contains("run list to see what there is");
  }

  @Test
  void aTimeThatDoesNotExistIsRefusedNotMovedToAnother() throws Exception {
    Result r =
        cli("backup", "--url", PG.url(source), "--name", "shop", "--at", "2026-02-30_02-00-00");
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err().strip())
        .startsWith("error: --at '2026-02-30_02-00-00' is not a time")
        .doesNotContain("\n");
    assertThat(work.resolve("backups/shop")).doesNotExist();

    assertThat(cli("backup", "--url", PG.url(source), "--name", "shop", "--at", day(1)).exit())
        .isZero();
    Path dir = work.resolve("backups/shop");
    copy(dir, day(1), "2026-02-30_02-00-00", true);
    Result list = cli("list", "--name", "shop");
    assertThat(list.out()).as(list.all()).contains(day(1)).doesNotContain("2026-02-28", "02-30");
    Result restore =
        cli(
            "restore",
            "--name",
            "shop",
            "--at",
            "2026-02-28_02-00-00",
            "--target-url",
            PG.url("x"));
    assertThat(restore.exit()).as(restore.all()).isEqualTo(2);
  }

  @Test
  void aTimeInTheFutureIsRefusedSoItCannotOutrankEveryRealBackup() {
    Result r =
        cli("backup", "--url", PG.url(source), "--name", "shop", "--at", "2206-01-01_02-00-00");
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: --at '2206-01-01_02-00-00' is in the future; give the time of an earlier run,"
                + " as list shows it.");
    assertThat(work.resolve("backups/shop")).doesNotExist();
  }

  @Test
  void aStrayNewerIncompleteBackupIsListedVerifiedRestoredAndPrunedAsSuch() throws Exception {
    Path dir = work.resolve("backups/shop");
    assertThat(cli("backup", "--url", PG.url(source), "--name", "shop", "--at", day(1)).exit())
        .isZero();
    copy(dir, day(1), day(2), true);
    copy(dir, day(1), day(3), true);
    copy(dir, day(1), day(4), false); // the stray: an object without its manifest
    copy(dir, day(1), "2025-12-31_02-00-00", true);
    Files.writeString( // a manifest that belongs to another object
        dir.resolve("2025-12-31_02-00-00.sql.gz.manifest.json"),
        Files.readString(dir.resolve(day(1) + ".sql.gz.manifest.json")));
    List<String> foreign =
        List.of("notes.txt", "2026-01-05_02-00-00.sql.gz.partial", "2026-13-01_02-00-00.sql.gz");
    for (String f : foreign) {
      Files.writeString(dir.resolve(f), "not a backup");
    }

    Result list = cli("list");
    assertThat(list.out())
        .contains(day(4) + "           ?  gzip")
        .contains("INCOMPLETE: no manifest; backup --at this time completes it")
        .contains("CORRUPT MANIFEST");
    JsonNode rows = JSON.readTree(cli("list", "--json").out());
    assertThat(rows.findValuesAsText("state"))
        .containsExactly("incomplete", "complete", "complete", "complete", "corrupt-manifest");

    Result verify = cli("verify", "--name", "shop");
    assertThat(verify.exit()).isEqualTo(5);
    assertThat(verify.out())
        .contains("INCOMPLETE shop " + day(4) + ": incomplete: no manifest")
        .contains("Verified 1 backup: 0 ok, 0 mismatched, 1 incomplete.");
    Result all = cli("verify", "--all");
    assertThat(all.out())
        .contains("CORRUPT   shop 2025-12-31_02-00-00: corrupt manifest: it describes")
        .contains("Verified 5 backups: 3 ok, 0 mismatched, 2 incomplete.");

    String newest = "cli_inc_dst_" + UUID.randomUUID().toString().substring(0, 6);
    Result restore =
        cli("restore", "--name", "shop", "--target-url", PG.url(newest), "--create-database");
    assertThat(restore.exit()).as(restore.all()).isZero();
    assertThat(restore.out()).contains("Restored shop (" + day(3) + ")");
    assertThat(restore.err()).contains("the newest complete backup; 1 newer one is incomplete");
    String stray = "cli_inc_dst_" + UUID.randomUUID().toString().substring(0, 6);
    Result atStray =
        cli(
            "restore",
            "--name",
            "shop",
            "--at",
            day(4),
            "--target-url",
            PG.url(stray),
            "--create-database");
    assertThat(atStray.exit()).as(atStray.all()).isZero();
    assertThat(atStray.err()).contains("is incomplete: no manifest");
    assertThat(PG.psql(stray, "SELECT count(*) FROM t").trim()).isEqualTo("500");

    Result prune = cli("prune", "--keep-last", "1", "--confirm");
    assertThat(prune.exit()).as(prune.all()).isZero();
    assertThat(prune.out())
        .contains("keep    " + day(4) + "  incomplete, counted by no rule")
        .contains("keep    " + day(3) + "  last 1")
        .contains("delete  2025-12-31_02-00-00  incomplete, older than every kept complete backup")
        .contains("Incomplete backups (no readable manifest) count toward no rule");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              Stream.concat(
                      foreign.stream(),
                      Stream.of(
                          day(4) + ".sql.gz",
                          day(3) + ".sql.gz",
                          day(3) + ".sql.gz.manifest.json",
                          day(3) + ".sql.gz.sha256",
                          day(3) + ".sql.gz.verified.json"))
                  .toArray(String[]::new));
    }

    Result complete =
        cli("backup", "--url", PG.url(source), "--name", "shop", "--at", day(4), "--json");
    assertThat(complete.exit()).as(complete.all()).isZero();
    assertThat(JSON.readTree(complete.out()).at("/results/0/status").asText())
        .isEqualTo("completed");
    assertThat(cli("verify", "--name", "shop").exit()).isZero();
  }

  @Test
  void aManifestThatCannotBeWrittenToALocalStoreFailsTheRunAndARetryCompletesIt() throws Exception {
    String at = "2026-02-01_02-00-00";
    Path manifest =
        Files.createDirectories(work.resolve("backups/shop/" + at + ".sql.gz.manifest.json"));

    Result failed = cli("backup", "--url", PG.url(source), "--name", "shop", "--at", at);

    assertThat(failed.exit()).as(failed.all()).isEqualTo(4);
    assertThat(failed.out())
        .contains("FAILED   database 'shop': the backup is stored at ")
        .contains("but its manifest could not be written")
        .contains("it stays incomplete until a retry of this run completes it")
        .contains("Backup complete: 0 succeeded, 1 failed out of 1 databases");
    assertThat(cli("list").out()).contains(at).contains("INCOMPLETE");

    Files.delete(manifest);
    Result retry = cli("backup", "--url", PG.url(source), "--name", "shop", "--at", at);

    assertThat(retry.exit()).as(retry.all()).isZero();
    assertThat(retry.out())
        .contains("completed shop → ")
        .contains("completed from the stored object")
        .contains("500 rows")
        .contains("Backup complete: 1 succeeded, 0 failed out of 1 databases");
    assertThat(cli("verify", "--name", "shop").exit()).isZero();
  }

  private static String day(int n) {
    return "2026-01-0" + n + "_02-00-00";
  }

  /** A copy of a backup under another time, with a manifest naming its own key when asked. */
  private static void copy(Path dir, String from, String to, boolean withManifest)
      throws Exception {
    Files.copy(dir.resolve(from + ".sql.gz"), dir.resolve(to + ".sql.gz"));
    if (withManifest) {
      ObjectNode m =
          (ObjectNode) JSON.readTree(dir.resolve(from + ".sql.gz.manifest.json").toFile());
      m.put("key", "shop/" + to + ".sql.gz");
      JSON.writeValue(dir.resolve(to + ".sql.gz.manifest.json").toFile(), m);
      Files.writeString(
          dir.resolve(to + ".sql.gz.sha256"), m.get("sha256").asText() + "  " + to + ".sql.gz\n");
    }
  }
}
