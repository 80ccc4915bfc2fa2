package dev.neons3backup.health;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.catalog.KeyListing;
import dev.neons3backup.concurrent.Threads;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads what {@code status} needs and nothing more: the names of the databases' folders (one
 * listing that stops at the folders), then per database, in parallel, the listing of its own
 * folder, the manifests of its newest two complete backups (every complete one for the chart) and
 * the record of its newest drill. The newest verification's time is the write time the listing
 * gives for its marker (written once, put-if-absent, by {@code verify}), so no marker is read. A
 * listing per database, not one of the whole store, because an S3-compatible server may pay for
 * every page of a listing in proportion to the keys under its prefix (S3Mock and s3proxy's file
 * backends do), while a database's folder is a few dozen keys; on S3 itself the per-database
 * listings overlap on the threads instead of following each other page by page.
 */
public final class HealthReader {
  /** Small GETs, so the store's latency, not its bandwidth, is what the threads overlap. */
  private static final int THREADS = 16;

  private final Catalog catalog;

  public HealthReader(BackupStore store) {
    this.catalog = new Catalog(store);
  }

  /**
   * The databases of the store (or the one named) that have a backup, by name; with every complete
   * backup when asked.
   */
  public List<DatabaseHealth> read(Optional<String> database, boolean history) throws IOException {
    List<String> names = database.isPresent() ? List.of(database.get()) : catalog.databases();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, Threads.daemons("status"));
    try {
      List<Future<Optional<DatabaseHealth>>> futures = new ArrayList<>();
      for (String name : names) {
        futures.add(pool.submit(() -> readUnchecked(name, history)));
      }
      List<DatabaseHealth> all = new ArrayList<>();
      for (Future<Optional<DatabaseHealth>> f : futures) {
        Threads.await(f).ifPresent(all::add);
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One database from the listing of its folder; empty when the folder holds no backup. {@link
   * Threads#await} reports an unchecked I/O failure as a storage error (exit 4).
   */
  private Optional<DatabaseHealth> readUnchecked(String database, boolean history) {
    try {
      KeyListing listing = catalog.listing(Optional.of(database)).get(database);
      return listing == null ? Optional.empty() : Optional.of(read(listing, history));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private DatabaseHealth read(KeyListing listing, boolean history) throws IOException {
    List<BackupEntry> complete = new ArrayList<>();
    for (BackupKey key : listing.withManifest()) {
      if (!history && complete.size() == 2) {
        break;
      }
      BackupEntry e = catalog.entry(key, listing);
      if (e.complete()) {
        complete.add(e);
      }
    }
    Optional<BackupEntry> newest = complete.stream().findFirst();
    Optional<Instant> lastVerified = Optional.empty();
    Optional<BackupKey> verified = listing.newestVerified();
    if (verified.isPresent()) {
      lastVerified = listing.verifiedAt(verified.get());
      if (lastVerified.isEmpty()) {
        lastVerified = catalog.verifiedAt(verified.get());
      }
    }
    Optional<BackupKey> drilled = listing.newestDrilled();
    return new DatabaseHealth(
        listing.database(),
        newest,
        complete.stream().skip(1).findFirst(),
        notComplete(listing, newest),
        lastVerified,
        drilled.isPresent() ? catalog.drill(drilled.get()) : Optional.empty(),
        history ? points(complete) : List.of());
  }

  /** Every backup newer than the newest complete one is not complete: the walk passed over it. */
  private static int notComplete(KeyListing listing, Optional<BackupEntry> newest) {
    return (int)
        listing.backups().stream()
            .filter(k -> newest.isEmpty() || k.time().isAfter(newest.get().time()))
            .count();
  }

  private static List<DatabaseHealth.Point> points(List<BackupEntry> newestFirst) {
    List<DatabaseHealth.Point> points = new ArrayList<>();
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      BackupEntry e = newestFirst.get(i);
      var m = e.manifest().orElseThrow();
      points.add(new DatabaseHealth.Point(e.time(), m.rawBytes(), m.totalRows()));
    }
    return points;
  }
}
