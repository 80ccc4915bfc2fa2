package dev.neons3backup;

import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.io.Compression;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored backup as found in a store: its key, whether it is complete, and, when it is, the
 * manifest recorded beside it; and the time a {@code verify} last confirmed it.
 *
 * @param backupKey which backup: its database, time and compression, and so its key
 * @param manifest present exactly when {@code state} is COMPLETE
 * @param problem one line saying what is wrong with an incomplete backup; empty when complete
 */
public record BackupEntry(
    BackupKey backupKey,
    Optional<Manifest> manifest,
    Optional<Instant> verifiedAt,
    State state,
    String problem) {

  /** A backup counts only once its object and a readable manifest of that object both exist. */
  public enum State {
    COMPLETE,
    /** The object without its manifest: a run for the same time completes it. */
    INCOMPLETE,
    /** A manifest is there but unreadable, or describes another object. */
    CORRUPT_MANIFEST;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public BackupEntry {
    Objects.requireNonNull(backupKey, "backupKey");
    Objects.requireNonNull(state, "state");
    if ((state == State.COMPLETE) != manifest.isPresent()) {
      throw new IllegalArgumentException("a backup is complete exactly when it has a manifest");
    }
  }

  /** An entry whose state follows from its manifest's presence. */
  public BackupEntry(
      BackupKey backupKey, Optional<Manifest> manifest, Optional<Instant> verifiedAt) {
    this(
        backupKey,
        manifest,
        verifiedAt,
        manifest.isPresent() ? State.COMPLETE : State.INCOMPLETE,
        manifest.isPresent() ? "" : INCOMPLETE_PROBLEM);
  }

  static final String INCOMPLETE_PROBLEM =
      "incomplete: no manifest (running the backup again for this time, with backup --at or by"
          + " retrying its event, completes it from the stored object)";

  public String database() {
    return backupKey.database();
  }

  public Instant time() {
    return backupKey.time();
  }

  /** The object's key. */
  public String key() {
    return backupKey.format();
  }

  public Compression compression() {
    return backupKey.compression();
  }

  public boolean complete() {
    return state == State.COMPLETE;
  }
}
