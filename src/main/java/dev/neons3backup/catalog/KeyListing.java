package dev.neons3backup.catalog;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one listing of keys tells about a database's backups before any object is read: which
 * backups exist, which have a manifest, a verified marker, a drill record. Whether a manifest is
 * readable is only known once {@link Catalog#entry(BackupKey, KeyListing)} reads it.
 *
 * @param database the database
 * @param backups its backups' keys, newest first
 * @param present every key listed in the database's folder (backups and their side files)
 * @param written when each listed key's object was written, where the listing said
 */
public record KeyListing(
    String database, List<BackupKey> backups, Set<String> present, Map<String, Instant> written) {
  public KeyListing {
    backups = backups.stream().sorted(Comparator.comparing(BackupKey::time).reversed()).toList();
    present = Set.copyOf(present);
    written = Map.copyOf(written);
  }

  public KeyListing(String database, List<BackupKey> backups, Set<String> present) {
    this(database, backups, present, Map.of());
  }

  /**
   * When {@code verify} first confirmed the backup {@code key}, from the listing: its marker is
   * written once (put-if-absent) right after the check, so the marker's write time is the
   * verification time. Empty when the listing gave no time; the marker itself then says.
   */
  public Optional<Instant> verifiedAt(BackupKey key) {
    return Optional.ofNullable(written.get(key.verifiedKey()));
  }

  public boolean hasManifest(BackupKey key) {
    return present.contains(key.manifestKey());
  }

  /** The backups with a manifest beside them, newest first: the candidates for complete ones. */
  public List<BackupKey> withManifest() {
    return backups.stream().filter(this::hasManifest).toList();
  }

  /** The newest backup a {@code verify} has confirmed, if any. */
  public Optional<BackupKey> newestVerified() {
    return backups.stream().filter(k -> present.contains(k.verifiedKey())).findFirst();
  }

  /** The newest backup with a drill record beside it, if any. */
  public Optional<BackupKey> newestDrilled() {
    return backups.stream().filter(k -> present.contains(k.drillKey())).findFirst();
  }
}
