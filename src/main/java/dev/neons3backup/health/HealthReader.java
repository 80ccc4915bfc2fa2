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
 * Reads what {@code status} needs and nothing more: one listing of the keys, then per database the
 * manifests of its newest two complete backups (every complete one for the chart) and the record of
 * its newest drill. The newest verification's time is the write time the listing gives for its
 * marker (written once, put-if-absent, by {@code verify}), so no marker is read. Databases are read
 * in parallel.
 */
public final class HealthReader {
  /** Small GETs, so the store's latency, not its bandwidth, is what the threads overlap. */
  private static final int THREADS = 16;

  private final Catalog catalog;

  public HealthReader(BackupStore store) {
    this.catalog = new Catalog(store);
  }

  /**
   * The databases of the store (or the one named), by name; with every complete backup when asked.
   */
  public List<DatabaseHealth> read(Optional<String> database, boolean history) throws IOException {
    List<KeyListing> listings = List.copyOf(catalog.listing(database).values());
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, Threads.daemons("status"));
    try {
      List<Future<DatabaseHealth>> futures = new ArrayList<>();
      for (KeyListing l : listings) {
        futures.add(pool.submit(() -> readUnchecked(l, history)));
      }
      List<DatabaseHealth> all = new ArrayList<>();
      for (Future<DatabaseHealth> f : futures) {
        all.add(Threads.await(f));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Threads.await reports an unchecked I/O failure as a storage error (exit 4). */
  private DatabaseHealth readUnchecked(KeyListing listing, boolean history) {
    try {
      return read(listing, history);
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
