package dev.neons3backup.catalog;

import dev.neons3backup.io.Compression;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The key of a backup's object, {@code {database}/{YYYY-MM-DD_HH-MM-SS}{extension}} (UTC, to the
 * second), and the keys of the side files stored beside it. The one place that formats, parses and
 * lists them: a new side file is added here and nowhere else.
 */
public record BackupKey(String database, Instant time, Compression compression) {
  /** The manifest: until it exists the object is an incomplete backup. */
  private static final String MANIFEST_SUFFIX = ".manifest.json";

  /** A {@code sha256sum}-format line, so {@code sha256sum -c} checks a downloaded backup. */
  public static final String SHA256_SUFFIX = ".sha256";

  /** Written by a successful {@code verify}. */
  private static final String VERIFIED_SUFFIX = ".verified.json";

  /** Written by a {@code drill}, passed or failed: see {@link DrillRecord}. */
  private static final String DRILL_SUFFIX = ".drill.json";

  private static final List<String> SIDE_FILE_SUFFIXES =
      List.of(MANIFEST_SUFFIX, SHA256_SUFFIX, VERIFIED_SUFFIX, DRILL_SUFFIX);

  public BackupKey {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(compression, "compression");
    time = time.truncatedTo(ChronoUnit.SECONDS);
  }

  /** The backup key {@code key}, or empty when it is not one (a side file, a foreign object). */
  public static Optional<BackupKey> parse(String key) {
    int slash = key.indexOf('/');
    if (slash <= 0 || key.indexOf('/', slash + 1) >= 0) {
      return Optional.empty();
    }
    String file = key.substring(slash + 1);
    for (Compression c : Compression.values()) {
      if (file.endsWith(c.extension())) {
        String stamp = file.substring(0, file.length() - c.extension().length());
        return KeyTime.parse(stamp).map(t -> new BackupKey(key.substring(0, slash), t, c));
      }
    }
    return Optional.empty();
  }

  /** The object's key. */
  public String format() {
    return database + "/" + KeyTime.format(time) + compression.extension();
  }

  /** The object's file name, without the database's folder. */
  public String fileName() {
    return KeyTime.format(time) + compression.extension();
  }

  public String manifestKey() {
    return format() + MANIFEST_SUFFIX;
  }

  public String sha256Key() {
    return format() + SHA256_SUFFIX;
  }

  public String verifiedKey() {
    return format() + VERIFIED_SUFFIX;
  }

  public String drillKey() {
    return format() + DRILL_SUFFIX;
  }

  /** Every side file a backup may have, in the order a prune deletes them (after the object). */
  public List<String> sideFiles() {
    return SIDE_FILE_SUFFIXES.stream().map(s -> format() + s).toList();
  }

  @Override
  public String toString() {
    return format();
  }
}
