package dev.neons3backup.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.concurrent.Threads;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.ListedKey;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Finds the backups in a store and reads their side files. */
public final class Catalog {
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
      if (BackupKey.parse(key).isPresent()) {
        backups.add(key);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(8, Threads.daemons("catalog"));
    try {
      List<Future<BackupEntry>> futures = new ArrayList<>();
      for (String key : backups) {
        futures.add(pool.submit(() -> entry(key, present)));
      }
      List<BackupEntry> entries = new ArrayList<>();
      for (Future<BackupEntry> f : futures) {
        entries.add(Threads.await(f));
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

  /**
   * The newest backup of {@code database} from before {@code time} whose object and manifest are
   * both stored, reading the database's key listing and that one manifest only (a backup compares
   * itself with it, and must not read every manifest of a database with years of backups). The
   * entry is COMPLETE, or CORRUPT_MANIFEST when its manifest cannot be used; empty when there is
   * none.
   */
  public Optional<BackupEntry> newestBefore(String database, Instant time) throws IOException {
    List<String> keys = store.list(database + "/");
    Set<String> present = new HashSet<>(keys);
    Optional<BackupKey> newest =
        keys.stream()
            .map(BackupKey::parse)
            .flatMap(Optional::stream)
            .filter(k -> k.database().equals(database) && k.time().isBefore(time))
            .filter(k -> present.contains(k.manifestKey()))
            .max(Comparator.comparing(BackupKey::time));
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(entry(newest.get().format(), Set.of(newest.get().manifestKey())));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * The names of the databases that have a folder in the store, sorted, from the folders alone
   * (nothing inside them is listed); the fleet's {@code _runs} folder is not one, nor is a folder
   * whose name no database may have: no backup is ever stored under one, and listing it can only
   * fail or cost (a disk's {@code lost+found}, root's alone, when the store is its mount point). A
   * folder holding no backup is still named: {@link #listing} of it is empty.
   */
  public List<String> databases() throws IOException {
    return store.folders().stream().filter(DatabaseTarget::isName).toList();
  }

  /**
   * The keys under the store (or one database's folder), grouped per database from ONE listing:
   * what {@code status} decides from before it reads only the objects it needs. By database name.
   */
  public Map<String, KeyListing> listing(Optional<String> database) throws IOException {
    List<ListedKey> keys = store.listWithTimes(database.map(d -> d + "/").orElse(""));
    Map<String, List<BackupKey>> backups = new TreeMap<>();
    Map<String, Set<String>> present = new HashMap<>();
    Map<String, Map<String, Instant>> written = new HashMap<>();
    for (ListedKey listed : keys) {
      String key = listed.key();
      int slash = key.indexOf('/');
      if (slash > 0) {
        String db = key.substring(0, slash);
        present.computeIfAbsent(db, d -> new HashSet<>()).add(key);
        if (listed.lastModified() != null) {
          written.computeIfAbsent(db, d -> new HashMap<>()).put(key, listed.lastModified());
        }
      }
      BackupKey.parse(key)
          .ifPresent(k -> backups.computeIfAbsent(k.database(), d -> new ArrayList<>()).add(k));
    }
    Map<String, KeyListing> listings = new LinkedHashMap<>();
    backups.forEach(
        (db, list) ->
            listings.put(
                db, new KeyListing(db, list, present.get(db), written.getOrDefault(db, Map.of()))));
    return listings;
  }

  /**
   * The backup {@code key} as {@code listing} shows it: reads its manifest (when listed) and
   * nothing else, so its {@code verifiedAt} is left empty; see {@link #verifiedAt(BackupKey)}.
   */
  public BackupEntry entry(BackupKey key, KeyListing listing) throws IOException {
    Set<String> manifestOnly =
        listing.hasManifest(key) ? Set.of(key.manifestKey()) : Set.<String>of();
    try {
      return entry(key.format(), manifestOnly);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** When {@code verify} first confirmed the backup {@code key}, if its marker says. */
  public Optional<Instant> verifiedAt(BackupKey key) throws IOException {
    try {
      return read(key.verifiedKey()).map(Catalog::verifiedAt);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * The newest drill record of the backup {@code key}; empty when there is none. One that cannot be
   * read is an {@link DrillRecord#UNREADABLE} record saying so: taken for no record at all, a
   * failed drill whose record was cut short or mangled would show as never drilled and raise no
   * flag.
   */
  public Optional<DrillRecord> drill(BackupKey key) throws IOException {
    Optional<byte[]> json;
    try {
      json = read(key.drillKey());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (json.isEmpty()) {
      return Optional.empty();
    }
    try {
      // The same plain mapper that json/Json writes it with; the JSON literal null reads as null.
      DrillRecord record = JSON.readValue(json.get(), DrillRecord.class);
      if (record != null) {
        return Optional.of(record);
      }
    } catch (IOException | RuntimeException e) {
      // Unreadable, as below: the parser's message is several lines and says nothing to act on.
    }
    return Optional.of(
        DrillRecord.unreadable(
            key.database(),
            key.format(),
            "the record of its newest drill, "
                + store.describe(key.drillKey())
                + ", is not a readable drill record; run drill --name "
                + key.database()
                + " to write a new one"));
  }

  /** What the store holds for the backup {@code key} (whose object exists), side files included. */
  public BackupEntry entry(String key) throws IOException {
    Set<String> present = new HashSet<>();
    BackupKey parsed = BackupKey.parse(key).orElseThrow();
    for (String side : List.of(parsed.manifestKey(), parsed.verifiedKey())) {
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
    BackupKey parsed = BackupKey.parse(key).orElseThrow();
    Optional<Instant> verified = Optional.empty();
    if (present.contains(parsed.verifiedKey())) {
      verified = read(parsed.verifiedKey()).map(Catalog::verifiedAt);
    }
    Optional<byte[]> json =
        present.contains(parsed.manifestKey()) ? read(parsed.manifestKey()) : Optional.empty();
    if (json.isEmpty()) {
      return new BackupEntry(parsed, Optional.empty(), verified);
    }
    Optional<String> problem;
    Manifest manifest = null;
    try {
      manifest = Manifest.fromJson(json.get());
      // A manifest file holding the JSON literal null parses to no manifest at all: as corrupt as
      // one cut short, not a reason for every command reading the store to stop.
      problem =
          manifest == null
              ? Optional.of("it is JSON null, not a manifest")
              : manifest.problemFor(key);
    } catch (IOException e) {
      problem = Optional.of("it is not a readable manifest");
    }
    if (problem.isPresent()) {
      return new BackupEntry(
          parsed,
          Optional.empty(),
          verified,
          BackupEntry.State.CORRUPT_MANIFEST,
          "corrupt manifest: "
              + problem.get()
              + " (delete "
              + store.describe(parsed.manifestKey())
              + " and run the backup for this time again, e.g. backup --at, to rebuild it)");
    }
    return new BackupEntry(parsed, Optional.of(manifest), verified, BackupEntry.State.COMPLETE, "");
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
      return Instant.parse(JSON.readValue(json, VerifiedMarker.class).verifiedAt());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The marker a successful {@code verify} leaves beside the backup. */
  public static byte[] verifiedMarker(Instant at, String sha256) {
    try {
      return JSON.writeValueAsBytes(new VerifiedMarker(at.toString(), sha256));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record VerifiedMarker(String verifiedAt, String sha256) {}
}
