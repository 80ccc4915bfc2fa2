package dev.neons3backup.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupService;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.io.Compression;
import dev.neons3backup.store.BackupStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Finds the backups in a store and reads their side files. */
public final class Catalog {
  public static final String VERIFIED_SUFFIX = ".verified.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BackupStore store;

  public Catalog(BackupStore store) {
    this.store = store;
  }

  /** Backups of one database (or all), by database name, newest first. */
  public List<BackupEntry> list(Optional<String> database) throws IOException {
    List<String> keys = store.list(database.map(d -> d + "/").orElse(""));
    Set<String> present = new HashSet<>(keys);
    List<String> backups = new ArrayList<>();
    for (String key : keys) {
      if (parse(key).isPresent()) {
        backups.add(key);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(8, BackupService.daemon("catalog"));
    try {
      List<Future<BackupEntry>> futures = new ArrayList<>();
      for (String key : backups) {
        futures.add(pool.submit(() -> entry(key, present)));
      }
      List<BackupEntry> entries = new ArrayList<>();
      for (Future<BackupEntry> f : futures) {
        entries.add(BackupService.await(f));
      }
      entries.sort(
          Comparator.comparing(BackupEntry::database)
              .thenComparing(BackupEntry::time, Comparator.reverseOrder()));
      return entries;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The backup of {@code database} at {@code time}, whatever its state; or, when time is empty, its
   * newest complete one: an incomplete backup is never chosen for the user.
   */
  public BackupEntry find(String database, Optional<Instant> time) throws IOException {
    List<BackupEntry> all = list(Optional.of(database));
    if (all.isEmpty()) {
      throw new BackupException(
          ErrorCode.CONFIG,
          "database '"
              + database
              + "' has no backups in "
              + store.describe("")
              + "; run list to see what there is.");
    }
    if (time.isEmpty()) {
      return all.stream()
          .filter(BackupEntry::complete)
          .findFirst()
          .orElseThrow(() -> noneComplete(all));
    }
    return all.stream()
        .filter(e -> e.time().equals(time.get()))
        .findFirst()
        .orElseThrow(
            () ->
                new BackupException(
                    ErrorCode.CONFIG,
                    "database '"
                        + database
                        + "' has no backup at "
                        + KeyTime.format(time.get())
                        + "; the newest is "
                        + KeyTime.format(all.get(0).time())
                        + " (run list to see them all)."));
  }

  private BackupException noneComplete(List<BackupEntry> all) {
    BackupEntry newest = all.get(0);
    return new BackupException(
        ErrorCode.CONFIG,
        "database '"
            + newest.database()
            + "' has no complete backup in "
            + store.describe("")
            + " ("
            + all.size()
            + " without a readable manifest, the newest "
            + KeyTime.format(newest.time())
            + "); run verify --name "
            + newest.database()
            + " to see why, or restore one anyway with --at TIME.");
  }

  /** A key {@code name/YYYY-MM-DD_HH-MM-SS.ext} of a backup, as (database, time, compression). */
  public static Optional<Map.Entry<String, Map.Entry<Instant, Compression>>> parse(String key) {
    int slash = key.indexOf('/');
    if (slash <= 0 || key.indexOf('/', slash + 1) >= 0) {
      return Optional.empty();
    }
    String file = key.substring(slash + 1);
    for (Compression c : Compression.values()) {
      if (file.endsWith(c.extension())) {
        String stamp = file.substring(0, file.length() - c.extension().length());
        return KeyTime.parse(stamp).map(t -> Map.entry(key.substring(0, slash), Map.entry(t, c)));
      }
    }
    return Optional.empty();
  }

  /** What the store holds for the backup {@code key} (whose object exists), side files included. */
  public BackupEntry entry(String key) throws IOException {
    Set<String> present = new HashSet<>();
    for (String side : List.of(key + Manifest.SUFFIX, key + VERIFIED_SUFFIX)) {
      if (store.exists(side)) {
        present.add(side);
      }
    }
    try {
      return entry(key, present);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private BackupEntry entry(String key, Set<String> present) {
    var parsed = parse(key).orElseThrow();
    String database = parsed.getKey();
    Instant time = parsed.getValue().getKey();
    Compression compression = parsed.getValue().getValue();
    Optional<Instant> verified = Optional.empty();
    if (present.contains(key + VERIFIED_SUFFIX)) {
      verified = read(key + VERIFIED_SUFFIX).map(Catalog::verifiedAt);
    }
    Optional<byte[]> json =
        present.contains(key + Manifest.SUFFIX) ? read(key + Manifest.SUFFIX) : Optional.empty();
    if (json.isEmpty()) {
      return new BackupEntry(database, time, key, compression, Optional.empty(), verified);
    }
    Optional<String> problem;
    Manifest manifest = null;
    try {
      manifest = Manifest.fromJson(json.get());
      problem = manifest.problemFor(key);
    } catch (IOException e) {
      problem = Optional.of("it is not a readable manifest");
    }
    if (problem.isPresent()) {
      return new BackupEntry(
          database,
          time,
          key,
          compression,
          Optional.empty(),
          verified,
          BackupEntry.State.CORRUPT_MANIFEST,
          "corrupt manifest: "
              + problem.get()
              + " (delete "
              + store.describe(key + Manifest.SUFFIX)
              + " and run the backup for this time again, e.g. backup --at, to rebuild it)");
    }
    return new BackupEntry(
        database,
        time,
        key,
        compression,
        Optional.of(manifest),
        verified,
        BackupEntry.State.COMPLETE,
        "");
  }

  private Optional<byte[]> read(String key) {
    try (InputStream in = store.open(key)) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Instant verifiedAt(byte[] json) {
    try {
      return Instant.parse(JSON.readTree(json).path("verifiedAt").asText());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  public static byte[] verifiedMarker(Instant at, String sha256) {
    return ("{\"verifiedAt\": \"" + at + "\", \"sha256\": \"" + sha256 + "\"}\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
