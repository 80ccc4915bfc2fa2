package dev.neons3backup.neon;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Snapshot branches: read-only children of a branch at the run's moment, deleted afterwards.
 *
 * <p>Each is created by one {@code POST /projects/{project_id}/branches} (parent, {@code
 * parent_timestamp}, {@code expires_at}, one {@code read_only} endpoint), then its operations
 * (create_branch, start_compute) are polled until {@code finished}, as Neon asks of API clients
 * before the next request (https://neon.com/docs/manage/operations). Polling is bounded twice: by a
 * wall-clock time and by a number of polls, with a growing pause between them.
 *
 * <p>Leftovers: a run that crashed leaves its branch behind. Neon deletes it at its {@code
 * expires_at}; {@link #sweep} deletes it sooner. A branch another run is dumping from right now
 * must not be swept, so the rule is: a branch named with {@link #NAME_PREFIX}, not taken by this
 * instance, and created more than {@code expiry} ago (or whose {@code expires_at} has passed). The
 * expiry is the longest a run may hold a snapshot, so a branch older than that belongs to no run
 * still going. A branch whose creation time the API does not give is left to its expiry.
 */
public final class NeonSnapshots {
  private static final Logger LOG = LogManager.getLogger(NeonSnapshots.class);

  /** Every snapshot branch this tool creates is named NAME_PREFIX + something unique per run. */
  public static final String NAME_PREFIX = "neon-s3-backup-snapshot-";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How long and how often to poll an operation. */
  record Polling(Duration maxWait, int maxPolls, Duration first, Duration cap) {
    static final Polling DEFAULT =
        new Polling(Duration.ofMinutes(5), 120, Duration.ofMillis(250), Duration.ofSeconds(5));
  }

  private final NeonApi api;
  private final Clock clock;
  private final Duration expiry;
  private final Polling polling;
  private final Set<String> mine = ConcurrentHashMap.newKeySet();

  public NeonSnapshots(NeonApi api, Clock clock, Duration expiry) {
    this(api, clock, expiry, Polling.DEFAULT);
  }

  NeonSnapshots(NeonApi api, Clock clock, Duration expiry, Polling polling) {
    if (expiry.isNegative() || expiry.isZero() || expiry.compareTo(Duration.ofDays(30)) > 0) {
      // Neon refuses an expires_at more than 30 days ahead (docs: branch expiration).
      throw BackupException.config(
          "the snapshot expiry must be more than 0 and at most 30 days, not " + expiry + ".");
    }
    this.api = api;
    this.clock = clock;
    this.expiry = expiry;
    this.polling = polling;
  }

  /**
   * Creates a child of parentBranchId at {@code at} (parent_timestamp), with expires_at = now +
   * expiry and one read-only compute; waits for its operations. On any failure deletes what it
   * created and throws NeonApiException (one-line message naming project and branch, never the
   * key).
   */
  public Snapshot take(String projectId, String parentBranchId, Instant at) {
    String name =
        NAME_PREFIX + parentBranchId + "-" + STAMP.format(clock.instant()) + "-" + suffix();
    return take(projectId, parentBranchId, at, name);
  }

  /**
   * As {@link #take(String, String, Instant)}, under a name the caller chose (it must start with
   * {@link #NAME_PREFIX}, so {@link #sweep} knows it): a fleet worker names its snapshot after its
   * work item, so that a redelivery of the item finds the one an earlier delivery left.
   */
  public Snapshot take(String projectId, String parentBranchId, Instant at, String name) {
    if (!name.startsWith(NAME_PREFIX)) {
      throw new IllegalArgumentException("a snapshot branch's name starts with " + NAME_PREFIX);
    }
    Instant now = clock.instant();
    String what = "snapshot of branch " + parentBranchId + " of project " + projectId;
    mine.add(name);
    NeonApi.CreatedBranch created;
    try {
      created = api.createBranch(projectId, parentBranchId, name, at, now.plus(expiry));
    } catch (BackupException e) {
      deleteByName(projectId, name, e);
      throw failure(what, e);
    }
    mine.add(created.id());
    try {
      return ready(projectId, parentBranchId, at, created, what);
    } catch (BackupException e) {
      deleteQuietly(projectId, created.id(), name);
      throw failure(what, e);
    }
  }

  private Snapshot ready(
      String projectId, String parentId, Instant at, NeonApi.CreatedBranch b, String what) {
    String endpoint =
        b.endpoints().stream()
            .filter(e -> "read_only".equals(e.type()))
            .findFirst()
            .orElseThrow(
                () ->
                    new NeonApiException(
                        201,
                        ErrorCode.DATABASE,
                        "the Neon API created no read-only compute for the " + what + "."))
            .id();
    for (NeonApi.Operation op : b.operations()) {
      await(projectId, op, what);
    }
    Snapshot s =
        new Snapshot(
            api,
            projectId,
            b.id(),
            b.name(),
            parentId,
            b.parentTimestamp().orElse(at),
            b.parentLsn(),
            endpoint);
    LOG.info(
        "Neon: snapshot branch {} ({}) of branch {} of project {} at {} is ready{}",
        b.name(),
        b.id(),
        parentId,
        projectId,
        s.parentTimestamp(),
        s.lsn().map(l -> " (LSN " + l + ")").orElse(""));
    return s;
  }

  private static NeonApiException operationFailed(
      NeonApi.Operation op, String what, String outcome) {
    return new NeonApiException(
        200,
        ErrorCode.DATABASE,
        "Neon's " + op.action() + " operation " + op.id() + " for the " + what + " " + outcome);
  }

  /** Polls {@code op} until it finished (or was skipped); fails on failed or cancelled. */
  private void await(String projectId, NeonApi.Operation op, String what) {
    long deadline = System.nanoTime() + polling.maxWait().toNanos();
    Duration pause = polling.first();
    NeonApi.Operation now = op;
    for (int poll = 0; ; poll++) {
      switch (now.status()) {
        case "finished", "skipped" -> {
          return;
        }
        case "failed", "cancelling", "cancelled" ->
            throw operationFailed(
                now,
                what,
                "ended "
                    + now.status()
                    + "; run again, or see the project's operations in the Neon console.");
        default -> {
          // scheduling, running, and error (Neon retries an operation in error itself)
        }
      }
      if (poll >= polling.maxPolls() || System.nanoTime() > deadline) {
        throw operationFailed(
            now,
            what,
            "was still "
                + now.status()
                + " after "
                + poll
                + " checks in "
                + polling.maxWait().toSeconds()
                + " s; run again later.");
      }
      sleep(pause);
      pause =
          pause.multipliedBy(2).compareTo(polling.cap()) > 0
              ? polling.cap()
              : pause.multipliedBy(2);
      now = api.operation(projectId, op.id());
    }
  }

  /**
   * Deletes snapshot branches a crashed earlier run left behind in the project (name starts with
   * NAME_PREFIX and is not one of this run's); returns how many were deleted. Never throws for a
   * branch it cannot delete: logs one line (its expiry backstops it).
   */
  public int sweep(String projectId) {
    return sweep(projectId, "");
  }

  /**
   * As {@link #sweep(String)}, and also deletes the branches named {@code replacing} however young
   * (an earlier delivery of the same fleet work item left it: its run's worker was stopped, and the
   * item is being done again now). One listing of the project's branches serves both.
   */
  public int sweep(String projectId, String replacing) {
    Instant cutoff = clock.instant().minus(expiry);
    Instant now = clock.instant();
    int deleted = 0;
    for (NeonApi.BranchDetail b : api.branchDetails(projectId)) {
      if (!b.name().startsWith(NAME_PREFIX) || mine.contains(b.id()) || mine.contains(b.name())) {
        continue;
      }
      boolean old = b.createdAt().map(c -> c.isBefore(cutoff)).orElse(false);
      boolean expired = b.expiresAt().map(e -> e.isBefore(now)).orElse(false);
      boolean replaced = b.name().equals(replacing);
      if (!old && !expired && !replaced) {
        LOG.debug("Neon: snapshot branch {} may be another run's; kept", b.name());
        continue;
      }
      if (deleteQuietly(projectId, b.id(), b.name())) {
        LOG.info(
            "Neon: deleted snapshot branch {} ({}) left by an earlier {}",
            b.name(),
            b.id(),
            replaced ? "delivery of this work" : "run");
        deleted++;
      }
    }
    return deleted;
  }

  /** After a create that may or may not have happened (a 5xx, a broken connection). */
  private void deleteByName(String projectId, String name, BackupException cause) {
    if (cause instanceof NeonApiException n && n.status() < 500 && n.status() != 0) {
      return; // refused: nothing was created
    }
    try {
      Optional<NeonApi.BranchDetail> b =
          api.branchDetails(projectId).stream().filter(x -> x.name().equals(name)).findFirst();
      b.ifPresent(x -> deleteQuietly(projectId, x.id(), name));
    } catch (RuntimeException e) {
      LOG.warn(
          "Neon: could not check whether snapshot branch {} of project {} was created: {}; if it"
              + " was, it expires by itself and the next run deletes it",
          name,
          projectId,
          Snapshot.oneLine(e.getMessage()));
    }
  }

  private boolean deleteQuietly(String projectId, String branchId, String name) {
    try {
      api.deleteBranch(projectId, branchId);
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "Neon: could not delete snapshot branch {} ({}) of project {}: {}; it expires by itself,"
              + " and the next run deletes it",
          name,
          branchId,
          projectId,
          Snapshot.oneLine(e.getMessage()));
      return false;
    }
  }

  private static NeonApiException failure(String what, BackupException e) {
    if (e instanceof NeonApiException n) {
      return n;
    }
    return new NeonApiException(0, e.code(), "could not take a " + what + ": " + e.getMessage());
  }

  private static String suffix() {
    byte[] b = new byte[3];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.INTERNAL, "interrupted while waiting for Neon.");
    }
  }
}
