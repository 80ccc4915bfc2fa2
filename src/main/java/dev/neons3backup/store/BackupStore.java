package dev.neons3backup.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where backups live: keys like {@code my-db/2026-11-24_02-00-00.sql.gz} plus their side files.
 * Every write is conditional: a store never replaces an object that exists. A store that holds
 * threads or connections lets them go on {@link #close}; it is not used after.
 */
public interface BackupStore extends AutoCloseable {
  /** Whether an object exists under {@code key}. */
  boolean exists(String key) throws IOException;

  /** Starts writing a new object; see {@link ObjectSink}. */
  ObjectSink create(String key, String contentType) throws IOException;

  /** Writes a small object whole, only if the key is free. */
  void putIfAbsent(String key, byte[] content, String contentType) throws IOException;

  /**
   * Writes a small object whole, replacing the one there: only for a record that a newer one
   * supersedes (a drill's), never for a backup or its manifest. On S3 it is one unconditional put,
   * so the function's role needs no delete permission (a versioned bucket keeps the older records).
   */
  default void replace(String key, byte[] content, String contentType) throws IOException {
    delete(key);
    putIfAbsent(key, content, contentType);
  }

  /** Keys under {@code prefix}, in no particular order. */
  default List<String> list(String prefix) throws IOException {
    return listWithTimes(prefix).stream().map(ListedKey::key).toList();
  }

  /** Keys under {@code prefix} with when each object was written, in no particular order. */
  List<ListedKey> listWithTimes(String prefix) throws IOException;

  /**
   * The names of the store's first-level folders (one per database, and any the tool keeps for
   * itself), without what is in them: what lets {@code status} list each database's folder on its
   * own. A store whose listing can stop at a folder overrides this; by default, one whole listing.
   */
  default SortedSet<String> folders() throws IOException {
    SortedSet<String> names = new TreeSet<>();
    for (String key : list("")) {
      int slash = key.indexOf('/');
      if (slash > 0) {
        names.add(key.substring(0, slash));
      }
    }
    return names;
  }

  InputStream open(String key) throws IOException;

  void delete(String key) throws IOException;

  /**
   * Aborts the open multipart uploads of exactly {@code key} (never one of a longer key that starts
   * with it) initiated before {@code initiatedBefore}; how many it aborted. Only for a key whose
   * object is not stored: some S3-compatible servers drop the stored object along with an aborted
   * upload of its key. A store without multipart uploads has none.
   */
  default int abortUploads(String key, Instant initiatedBefore) throws IOException {
    return 0;
  }

  /** A human-readable location of a key, e.g. {@code s3://bucket/key}. */
  String describe(String key);

  @Override
  default void close() {}
}
