package dev.neons3backup.verify;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.VerifyReport;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.io.ReadPipeline;
import dev.neons3backup.io.StreamTotals;
import dev.neons3backup.pg.DumpScanner;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Streams a backup back and checks it whole: the SHA-256 and size of the stored bytes, the
 * compression stream to its end (gzip's own CRC and length included), the dump's trailer, and the
 * rows of every table — each against the manifest written at backup time.
 */
public final class Verifier {
  private final BackupStore store;
  private final Clock clock;

  public Verifier(BackupStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public VerifyReport verify(BackupEntry entry, LongConsumer progress) throws IOException {
    List<String> problems = new ArrayList<>();
    DumpScanner scanner = new DumpScanner();
    StreamTotals stored;
    try (ReadPipeline.Read plain =
        new ReadPipeline(entry.compression())
            .open(store.open(entry.key()), progress, scanner::accept)) {
      decompressToTheEnd(entry, plain, problems);
      // Whatever follows the compressed stream is part of the object, and of its digest.
      stored = plain.finish();
    }
    if (problems.isEmpty() && !scanner.complete()) {
      problems.add("the dump does not end with pg_dump's 'dump complete' trailer");
    }
    compareWithManifest(entry, stored.storedBytes(), stored.sha256(), scanner, problems);
    VerifyReport report = new VerifyReport(entry, stored.storedBytes(), stored.sha256(), problems);
    if (report.ok()) {
      markVerified(entry, stored.sha256());
    }
    return report;
  }

  /** Reads the raw dump to its end (the scanner sees it); a damaged stream is a problem found. */
  private static void decompressToTheEnd(
      BackupEntry entry, ReadPipeline.Read plain, List<String> problems) {
    byte[] buf = new byte[256 * 1024];
    try {
      while (plain.read(buf) >= 0) {
        // The tap scans what is read.
      }
    } catch (IOException e) {
      problems.add(damaged(entry, e));
    }
  }

  private static String damaged(BackupEntry entry, IOException e) {
    return "the " + entry.compression().id() + " stream is damaged (" + e.getMessage() + ")";
  }

  private static void compareWithManifest(
      BackupEntry entry, long size, String sha, DumpScanner scanner, List<String> problems) {
    if (entry.manifest().isEmpty()) {
      // Incomplete or corrupt: said apart, and first, as it is what the user must act on.
      problems.add(0, entry.problem());
      return;
    }
    Manifest m = entry.manifest().get();
    if (!m.sha256().equals(sha)) {
      problems.add("SHA-256 differs: recorded " + m.sha256() + ", stored bytes give " + sha);
    }
    if (m.storedBytes() != size) {
      problems.add("size differs: recorded " + m.storedBytes() + " bytes, stored " + size);
    }
    if (problems.isEmpty()) {
      Map<String, Long> rows = scanner.rowCounts();
      if (!Objects.equals(rows, m.tables())) {
        problems.add("row counts differ from those recorded at backup time");
      }
    }
  }

  private void markVerified(BackupEntry entry, String sha) {
    try {
      store.putIfAbsent(
          BackupKey.parse(entry.key()).orElseThrow().verifiedKey(),
          Catalog.verifiedMarker(clock.instant(), sha),
          "application/json");
    } catch (IOException e) {
      // Already marked by an earlier verify, or not writable: the check itself stands.
    }
  }
}
