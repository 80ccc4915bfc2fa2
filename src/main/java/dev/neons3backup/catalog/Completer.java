package dev.neons3backup.catalog;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.io.Compression;
import dev.neons3backup.io.ReadPipeline;
import dev.neons3backup.io.StreamTotals;
import dev.neons3backup.pg.DumpScanner;
import dev.neons3backup.pg.PgVersions;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Rebuilds the manifest of a stored backup that has none (its run stopped between committing the
 * object and writing the manifest): every fact a manifest vouches for is read back from the stored
 * bytes — their SHA-256 and size, the dump's size, rows and trailer, and the pg_dump and server
 * versions from the dump's header comments.
 */
public final class Completer {
  private static final int HEADER_BYTES = PgVersions.DUMP_HEADER_BYTES;

  private final BackupStore store;
  private final Clock clock;

  public Completer(BackupStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * The manifest of the stored object {@code key}; a BackupException naming the database when the
   * object cannot vouch for itself (unreadable, damaged, or without pg_dump's trailer).
   */
  public Manifest rebuild(
      String database,
      String key,
      Compression compression,
      BooleanSupplier cancelled,
      LongConsumer progress)
      throws IOException {
    DumpScanner scanner = new DumpScanner();
    byte[] header = new byte[HEADER_BYTES];
    int headerLength = 0;
    StreamTotals totals;
    // Opening is outside the catch: a store that cannot be reached is a storage failure, not a
    // damaged object to delete.
    InputStream source = store.open(key);
    try (ReadPipeline.Read plain =
        new ReadPipeline(compression).open(source, n -> {}, scanner::accept)) {
      byte[] buf = new byte[256 * 1024];
      for (int n; (n = plain.read(buf)) > 0; ) {
        if (cancelled.getAsBoolean()) {
          throw new BackupException(ErrorCode.DATABASE, "cancelled");
        }
        int keep = Math.min(n, HEADER_BYTES - headerLength);
        System.arraycopy(buf, 0, header, headerLength, keep);
        headerLength += keep;
        progress.accept(n);
      }
      totals = plain.finish();
    } catch (IOException e) {
      throw cannot(database, key, "reading it back failed (" + e.getMessage() + ")");
    }
    if (!scanner.complete()) {
      throw cannot(database, key, "the dump in it does not end with pg_dump's trailer");
    }
    String head = new String(header, 0, headerLength, StandardCharsets.UTF_8);
    return Manifest.rebuilt(
        BackupKey.parse(key).orElseThrow(),
        clock.instant(),
        totals,
        scanner,
        PgVersions.dumpedBy(head),
        PgVersions.dumpedFrom(head));
  }

  private BackupException cannot(String database, String key, String why) {
    return new BackupException(
        ErrorCode.STORAGE,
        "database '"
            + database
            + "': the backup for this time is stored without its manifest and cannot be"
            + " completed: "
            + why
            + "; delete "
            + store.describe(key)
            + " and run again");
  }
}
