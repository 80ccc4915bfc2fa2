package dev.neons3backup.catalog;

import java.util.Comparator;
import java.util.List;
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
 */
public record KeyListing(String database, List<BackupKey> backups, Set<String> present) {
  public KeyListing {
    backups = backups.stream().sorted(Comparator.comparing(BackupKey::time).reversed()).toList();
    present = Set.copyOf(present);
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
