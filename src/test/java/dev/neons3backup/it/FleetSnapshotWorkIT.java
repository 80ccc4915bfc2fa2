package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.fleet.SnapshotWork;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.lambda.EmbeddedMetrics;
import dev.neons3backup.lambda.WorkerHandler;
import dev.neons3backup.neon.NeonApi;
import dev.neons3backup.neon.NeonConfig;
import dev.neons3backup.neon.NeonSnapshots;
import dev.neons3backup.neon.Snapshot;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet work item with {@code "snapshot":true}: the worker dumps it from a snapshot branch of its
 * branch (Neon API emulator: the branch's databases are copies in the local cluster), and deletes
 * the branch afterwards whatever the dump did; a redelivery never leaves a second branch.
 */
class FleetSnapshotWorkIT {
  /** Ahead of the clock on purpose: Neon refuses a parent timestamp in the future. */
  private static final Instant RUN =
      Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);

  private static final String KEY = "fsw-key-0123456789SECRET";
  private static final String ROLE_PW = "FswRolePw24680abc";

  private final Harness h = new Harness();
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final String db = "fsw_db_" + suffix;
  private final String role = "fsw_role_" + suffix;
  private final String project = "fsw-proj-" + suffix;
  private final String branch = "br-fsw-main";
  private final String name = project + "." + branch + "." + db;
  private final WorkItem item =
      new WorkItem(RUN, name, new WorkItem.Neon(project, branch, db, role), true);
  private NeonApiEmulator neon;

  @BeforeEach
  void emulator() {
    neon = NeonApiEmulator.on(Harness.PG);
    neon.org("org-s", "Snap");
    neon.key(KEY, KeyKind.ORGANIZATION, Set.of("org-s"), null);
    neon.role(role, ROLE_PW);
    neon.project("org-s", project, "snap", 15)
        .branch(branch, "main", true, 1024)
        .database(db, role);
    neon.createInCluster(Harness.PG);
    Harness.PG.psql(db, "create table t(i int); insert into t values (1), (2), (3);");
    Harness.PG.psql(db, "alter table t owner to " + role);
    h.secret("{\"neon\": {\"api_key\": \"" + KEY + "\"}}");
  }

  @AfterEach
  void stop() {
    neon.close();
  }

  private WorkerHandler worker() {
    Map<String, String> env = new HashMap<>(h.env);
    env.put("NEON_API_URL", neon.url());
    EmbeddedMetrics metrics =
        new EmbeddedMetrics(
            "NeonS3Backup",
            new PrintStream(h.metricsOut, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    return new WorkerHandler(
        h.service(), () -> SecretTargets.load(Harness.SECRETS.client(), h.secretId), metrics, env);
  }

  private Map<String, Object> deliver(WorkerHandler worker, String messageId) {
    return worker.handleRequest(
        Map.of("Records", List.of(Map.of("messageId", messageId, "body", item.toJson()))), null);
  }

  private String key() {
    return name + "/" + KeyTime.format(RUN) + ".sql.gz";
  }

  private List<String> snapshotBranches() {
    return neon.branches().stream()
        .filter(b -> b.name.startsWith(NeonSnapshots.NAME_PREFIX))
        .map(b -> b.id)
        .toList();
  }

  private static final Map<String, Object> OK = Map.of("batchItemFailures", List.of());

  @Test
  void aSnapshotItemIsDumpedFromASnapshotBranchThatIsDeletedAfterwards() throws Exception {
    assertThat(deliver(worker(), "m-1")).as(h.metrics()).isEqualTo(OK);

    Manifest manifest = Manifest.fromJson(h.get(key() + ".manifest.json"));
    assertThat(manifest.totalRows()).isEqualTo(3);
    assertThat(manifest.neon().branchId()).isEqualTo(branch);
    assertThat(manifest.neon().parentBranchId()).isEqualTo(branch);
    assertThat(manifest.neon().snapshotBranchId()).isNotBlank().isNotEqualTo(branch);
    // The run's key time is ahead of the clock here: the snapshot is taken at now instead.
    assertThat(Instant.parse(manifest.neon().parentTimestamp())).isBefore(RUN);
    assertThat(neon.snapshots().deleted).containsExactly(manifest.neon().snapshotBranchId());
    assertThat(snapshotBranches()).isEmpty();
    assertThat(neon.snapshots().localCopies()).isEmpty();
    assertThat(h.metrics()).doesNotContain(ROLE_PW).doesNotContain(KEY);
  }

  @Test
  void theSnapshotBranchIsDeletedWhenTheDumpFails() {
    h.env.put("PG_BIN_DIRS", Harness.wrapperBinDir("echo 'pg_dump: boom' >&2; exit 1").toString());

    assertThat(deliver(worker(), "m-fail"))
        .isEqualTo(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "m-fail"))));

    assertThat(neon.snapshots().deleted).hasSize(1);
    assertThat(snapshotBranches()).isEmpty();
    assertThat(neon.snapshots().localCopies()).isEmpty();
    assertThat(h.keys()).isEmpty();
  }

  @Test
  void aRedeliveryReplacesTheBranchAKilledWorkerLeftAndLeavesNoSecondOne() throws Exception {
    // The first delivery's worker took the item's snapshot and was killed before deleting it.
    NeonApi api =
        new NeonApi(NeonConfig.from(Map.of("NEON_API_KEY", KEY, "NEON_API_URL", neon.url())));
    Snapshot left =
        new NeonSnapshots(api, Clock.systemUTC(), Duration.ofHours(24))
            .take(project, branch, Instant.now(), SnapshotWork.branchName(item));

    assertThat(deliver(worker(), "m-again")).as(h.metrics()).isEqualTo(OK);

    Manifest manifest = Manifest.fromJson(h.get(key() + ".manifest.json"));
    assertThat(manifest.neon().snapshotBranchId()).isNotEqualTo(left.branchId());
    assertThat(neon.snapshots().deleted)
        .containsExactlyInAnyOrder(left.branchId(), manifest.neon().snapshotBranchId());
    assertThat(snapshotBranches()).isEmpty();

    // Delivered once more after it succeeded: skipped, and still no branch left behind.
    assertThat(deliver(worker(), "m-third")).isEqualTo(OK);
    assertThat(snapshotBranches()).isEmpty();
    assertThat(neon.snapshots().localCopies()).isEmpty();
    assertThat(h.keys()).containsExactly(key(), key() + ".manifest.json", key() + ".sha256");
  }
}
