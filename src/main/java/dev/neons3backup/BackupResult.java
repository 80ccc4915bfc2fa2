package dev.neons3backup;

import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.health.Shrink;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What happened to one database in a run.
 *
 * @param key the object key ({@code name/YYYY-MM-DD_HH-MM-SS.sql.gz}), empty when none was chosen
 * @param location where the backup is, e.g. {@code s3://bucket/key}; empty unless stored
 * @param reason one line saying why, for every status but SUCCEEDED
 * @param manifest the recorded facts, when this run stored or completed the backup
 * @param code what kind of failure it was: present exactly when the result is not {@link #ok()}
 * @param shrink how much smaller this backup is than the database's previous complete one, when it
 *     fell past the threshold; only with a manifest (the backup is stored and counts as succeeded)
 */
public record BackupResult(
    String name,
    Status status,
    String key,
    String location,
    String reason,
    Duration duration,
    Optional<Manifest> manifest,
    Optional<ErrorCode> code,
    Optional<Shrink> shrink) {

  public BackupResult {
    if (code.isPresent() == ok(status)) {
      throw new IllegalArgumentException("an error code goes with a failure, and only with one");
    }
    if (manifest.isPresent() && status != Status.SUCCEEDED && status != Status.COMPLETED) {
      throw new IllegalArgumentException("a manifest goes with a stored or completed backup");
    }
    if (shrink.isPresent() && manifest.isEmpty()) {
      throw new IllegalArgumentException("a shrink is measured on a stored backup's manifest");
    }
  }

  /** A result without a shrink. */
  public BackupResult(
      String name,
      Status status,
      String key,
      String location,
      String reason,
      Duration duration,
      Optional<Manifest> manifest,
      Optional<ErrorCode> code) {
    this(name, status, key, location, reason, duration, manifest, code, Optional.empty());
  }

  /** This stored backup, flagged as shrunk since the previous one when {@code shrink} is given. */
  public BackupResult withShrink(Optional<Shrink> shrink) {
    return new BackupResult(name, status, key, location, reason, duration, manifest, code, shrink);
  }

  /** Stored by this run. */
  public static BackupResult succeeded(
      String name, String key, String location, Duration duration, Manifest manifest) {
    return new BackupResult(
        name,
        Status.SUCCEEDED,
        key,
        location,
        "",
        duration,
        Optional.of(manifest),
        Optional.empty());
  }

  /** Found incomplete and completed from the stored object. */
  public static BackupResult completed(
      String name,
      String key,
      String location,
      String reason,
      Duration duration,
      Manifest manifest) {
    return new BackupResult(
        name,
        Status.COMPLETED,
        key,
        location,
        reason,
        duration,
        Optional.of(manifest),
        Optional.empty());
  }

  /** Already stored by an earlier run for the same time. */
  public static BackupResult skipped(
      String name, String key, String location, String reason, Duration duration) {
    return new BackupResult(
        name, Status.SKIPPED, key, location, reason, duration, Optional.empty(), Optional.empty());
  }

  public static BackupResult failed(
      String name, String key, String reason, Duration duration, ErrorCode code) {
    return new BackupResult(
        name, Status.FAILED, key, "", reason, duration, Optional.empty(), Optional.of(code));
  }

  /**
   * Stopped or never started by a cancelled run: {@code status} is TIMED_OUT when the deadline
   * stopped it, FAILED when a signal did.
   */
  public static BackupResult stopped(
      String name, Status status, String key, String reason, Duration duration) {
    if (ok(status)) {
      throw new IllegalArgumentException("a stopped backup is not " + status.label());
    }
    return new BackupResult(
        name, status, key, "", reason, duration, Optional.empty(), Optional.of(ErrorCode.DATABASE));
  }

  public enum Status {
    /** Stored by this run. */
    SUCCEEDED,
    /** A backup with this key already existed (a retried event); nothing was written. */
    SKIPPED,
    /**
     * A retried run found this key's object without its manifest and completed it from the stored
     * object: the backup is complete now, and counts as succeeded.
     */
    COMPLETED,
    FAILED,
    /** Stopped or not started because the invocation was running out of time. */
    TIMED_OUT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean ok() {
    return ok(status);
  }

  private static boolean ok(Status status) {
    return status == Status.SUCCEEDED || status == Status.SKIPPED || status == Status.COMPLETED;
  }
}
