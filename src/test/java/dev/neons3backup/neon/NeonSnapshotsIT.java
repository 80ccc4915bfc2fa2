package dev.neons3backup.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.testing.EmulatedSnapshots;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import dev.neons3backup.testing.PostgresCluster;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Snapshot branches against the Neon API emulator, whose branch creation copies the parent's
 * databases in the local PostgreSQL cluster.
 */
class NeonSnapshotsIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final String KEY = "napi_snapkey0123456789secret";
  private static final String ROLE = "neon_snap_owner";
  private static final String ROLE_PW = "SnapOwnerPw97531";
  private static final String DB = "neon_snap_shop";
  private static final String PROJECT = "proj-snap";
  private static final String MAIN = "br-snap-main";

  private final NeonApiEmulator neon = NeonApiEmulator.on(PG);
  private final Capture logs = new Capture();
  private NeonApi api;

  @BeforeEach
  void setUp() {
    neon.org("org-s", "Snaps");
    neon.key(KEY, KeyKind.ORGANIZATION, Set.of("org-s"), null);
    neon.role(ROLE, ROLE_PW);
    neon.project("org-s", PROJECT, "Snapshots", 15)
        .branch(MAIN, "main", true, 1)
        .database(DB, ROLE);
    PG.dropDatabase(DB);
    neon.createInCluster(PG);
    PG.psql(DB, "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2);");
    PG.psql(DB, "ALTER TABLE orders OWNER TO " + ROLE);
    NeonConfig config = NeonConfig.from(Map.of("NEON_API_KEY", KEY, "NEON_API_URL", neon.url()));
    api =
        new NeonApi(
            config,
            RateLimiter.forNeon(),
            new NeonApi.Retries(8, 3, Duration.ofMillis(10), Duration.ofSeconds(2)));
    logs.attach();
  }

  @AfterEach
  void tearDown() {
    logs.detach();
    for (String copy : snapshots().localCopies()) {
      PG.dropDatabase(copy);
    }
    neon.close();
    assertThat(String.join("\n", logs.lines)).doesNotContain(KEY).doesNotContain(ROLE_PW);
  }

  private EmulatedSnapshots snapshots() {
    return neon.snapshots();
  }

  private NeonSnapshots snaps() {
    return new NeonSnapshots(
        api,
        Clock.systemUTC(),
        Duration.ofHours(1),
        new NeonSnapshots.Polling(
            Duration.ofSeconds(30), 20, Duration.ofMillis(10), Duration.ofMillis(100)));
  }

  private List<NeonApiEmulator.Branch> snapshotBranches() {
    return neon.branches().stream()
        .filter(b -> b.name.startsWith(NeonSnapshots.NAME_PREFIX))
        .toList();
  }

  @Test
  void aSnapshotShowsTheDataAtItsMomentWhileTheParentChanges() throws Exception {
    Instant at = Instant.now();
    try (Snapshot s = snaps().take(PROJECT, MAIN, at)) {
      PG.psql(DB, "INSERT INTO orders VALUES (3)");
      String uri = s.connectionUri(DB, ROLE);
      assertThat(psql(uri, "select count(*) || '|' || current_user from orders"))
          .isEqualTo("2|" + ROLE);
      assertThat(PG.psql(DB, "select count(*) from orders").strip()).isEqualTo("3");
      assertThat(psql(uri, "insert into orders values (9)")).contains("read-only transaction");
      assertThat(s.parentBranchId()).isEqualTo(MAIN);
      assertThat(s.parentTimestamp()).isEqualTo(at);
      assertThat(s.lsn()).isPresent();
      assertThat(s.toString()).doesNotContain(ROLE_PW);
    }
  }

  @Test
  void setsAnExpiryAndAReadOnlyComputeAndWaitsForItsOperations() {
    Instant before = Instant.now();
    try (Snapshot s = snaps().take(PROJECT, MAIN, before)) {
      NeonApiEmulator.Branch b = snapshotBranches().get(0);
      assertThat(b.id).isEqualTo(s.branchId());
      assertThat(b.parentId).isEqualTo(MAIN);
      assertThat(b.expiresAt)
          .isAfter(before.plus(Duration.ofMinutes(59)))
          .isBefore(Instant.now().plus(Duration.ofMinutes(61)));
      assertThat(b.endpointId).isNotNull();
      // create_branch and start_compute, each polled to finished (3 polls in the emulator)
      assertThat(neon.calls().get("GET /projects/{project_id}/operations/{operation_id}"))
          .isEqualTo(6);
    }
  }

  @Test
  void closeDeletesTheBranchAndItsDatabases() {
    Snapshot s = snaps().take(PROJECT, MAIN, Instant.now());
    List<String> copies = snapshots().localCopies();
    assertThat(copies).hasSize(1);
    assertThat(exists(copies.get(0))).isTrue();
    s.close();
    s.close();
    assertThat(snapshotBranches()).isEmpty();
    assertThat(exists(copies.get(0))).isFalse();
    assertThat(snapshots().deleted).containsExactly(s.branchId());
    assertThat(exists(DB)).isTrue();
  }

  @Test
  void aFailedOperationLeavesNothingBehindAndIsOneLine() {
    snapshots().failOperations = true;
    assertThatThrownBy(() -> snaps().take(PROJECT, MAIN, Instant.now()))
        .isInstanceOf(NeonApiException.class)
        .hasMessageContaining("branch " + MAIN)
        .hasMessageContaining("project " + PROJECT)
        .hasMessageContaining("failed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(KEY));
    assertThat(snapshotBranches()).isEmpty();
    assertThat(snapshots().localCopies()).isEmpty();
    assertThat(snapshots().deleted).hasSize(1);
  }

  @Test
  void aRefusedCreationIsOneLineWithoutTheKey() {
    snapshots().failCreation = 403;
    assertThatThrownBy(() -> snaps().take(PROJECT, MAIN, Instant.now()))
        .isInstanceOf(NeonApiException.class)
        .hasMessageContaining("branch " + MAIN + " of project " + PROJECT)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(KEY));
    assertThat(snapshotBranches()).isEmpty();
  }

  @Test
  void aCreationThatFailedOnTheServerSideIsLookedForAndDeleted() {
    snapshots().failCreation = 500;
    assertThatThrownBy(() -> snaps().take(PROJECT, MAIN, Instant.now()))
        .isInstanceOf(NeonApiException.class)
        .hasMessageContaining("run again later");
    // A 5xx on a create is not retried: a second request could make a second branch.
    assertThat(neon.calls().get("POST /projects/{project_id}/branches")).isEqualTo(1);
    assertThat(snapshotBranches()).isEmpty();
  }

  @Test
  void aDeleteFailureIsLoggedInOneLineNotThrown() {
    Snapshot s = snaps().take(PROJECT, MAIN, Instant.now());
    snapshots().failDeletion = 400;
    s.close();
    assertThat(logs.lines)
        .filteredOn(l -> l.contains("could not delete snapshot branch"))
        .singleElement()
        .satisfies(l -> assertThat(l).contains(s.branchId()).doesNotContain("\n"));
    assertThat(snapshotBranches()).hasSize(1);
    snapshots().failDeletion = 0;
  }

  @Test
  void sweepDeletesACrashedRunsLeftoverButNotAConcurrentRunsSnapshot() {
    Snapshot crashed = snaps().take(PROJECT, MAIN, Instant.now());
    // The crashed run was last night's: its branch is older than the expiry.
    snapshotBranches().stream()
        .filter(b -> b.id.equals(crashed.branchId()))
        .forEach(b -> b.createdAt = Instant.now().minus(Duration.ofDays(1)));
    try (Snapshot concurrent = snaps().take(PROJECT, MAIN, Instant.now())) {
      NeonSnapshots thisRun = snaps();
      try (Snapshot own = thisRun.take(PROJECT, MAIN, Instant.now())) {
        assertThat(thisRun.sweep(PROJECT)).isEqualTo(1);
        assertThat(snapshotBranches())
            .extracting(b -> b.id)
            .containsExactlyInAnyOrder(concurrent.branchId(), own.branchId());
        assertThat(snapshots().deleted).containsExactly(crashed.branchId());
      }
    }
  }

  @Test
  void sweepSurvivesABranchItCannotDelete() {
    snaps().take(PROJECT, MAIN, Instant.now());
    snapshotBranches().forEach(b -> b.createdAt = Instant.now().minus(Duration.ofDays(1)));
    snapshots().failDeletion = 500;
    assertThat(snaps().sweep(PROJECT)).isZero();
    assertThat(logs.lines).anyMatch(l -> l.contains("could not delete snapshot branch"));
    snapshots().failDeletion = 0;
  }

  private static boolean exists(String db) {
    return PG.psql("postgres", "select count(*) from pg_database where datname = '" + db + "'")
        .strip()
        .equals("1");
  }

  private static String psql(String uri, String sql) throws Exception {
    Process p =
        new ProcessBuilder(PG.binDir().resolve("psql").toString(), "-w", "-Atc", sql, uri)
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  /** Keeps every log line of the neon package. */
  private static final class Capture extends AbstractAppender {
    private static final String LOGGER = "dev.neons3backup.neon";
    final List<String> lines = new CopyOnWriteArrayList<>();

    Capture() {
      super("snapshot-capture", null, null, true, Property.EMPTY_ARRAY);
      start();
    }

    void attach() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      Configuration config = context.getConfiguration();
      LoggerConfig logger = new LoggerConfig(LOGGER, Level.DEBUG, true);
      logger.addAppender(this, Level.DEBUG, null);
      config.addLogger(LOGGER, logger);
      context.updateLoggers();
    }

    void detach() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      context.getConfiguration().removeLogger(LOGGER);
      context.updateLoggers();
      stop();
    }

    @Override
    public void append(LogEvent event) {
      lines.add(event.getMessage().getFormattedMessage());
    }
  }
}
