package dev.neons3backup.io;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.neons3backup.BackupException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The compression of stored dumps: the algorithm, its levels, its file extension, and how many
 * cores it may use. gzip is the default because {@code gunzip | psql} restores it anywhere; zstd
 * compresses several times faster at a similar ratio.
 */
public enum Compression {
  GZIP("gzip", ".sql.gz", "application/gzip", 6, 1, 9) {
    @Override
    OutputStream wrap(OutputStream out, int level, int threads, Executor pool) throws IOException {
      if (threads > 1) {
        return new ParallelGzipOutputStream(out, level, threads, pool);
      }
      return new GZIPOutputStream(out, BUFFER) {
        {
          def.setLevel(level);
        }
      };
    }

    @Override
    InputStream decompress(InputStream in) throws IOException {
      return new GZIPInputStream(in, BUFFER);
    }
  },

  ZSTD("zstd", ".sql.zst", "application/zstd", 3, 1, 19) {
    @Override
    OutputStream wrap(OutputStream out, int level, int threads, Executor pool) throws IOException {
      // zstd runs its own native workers; the pool is gzip's.
      ZstdOutputStream z = new ZstdOutputStream(out, level);
      z.setChecksum(true);
      if (threads > 1) {
        z.setWorkers(threads);
      }
      return new BufferedOutputStream(z, BUFFER);
    }

    @Override
    InputStream decompress(InputStream in) throws IOException {
      return new ZstdInputStream(in);
    }
  };

  private static final int BUFFER = 64 * 1024;

  private final String id;
  private final String extension;
  private final String contentType;
  private final int defaultLevel;
  private final int minLevel;
  private final int maxLevel;

  Compression(String id, String extension, String contentType, int defaultLevel, int min, int max) {
    this.id = id;
    this.extension = extension;
    this.contentType = contentType;
    this.defaultLevel = defaultLevel;
    this.minLevel = min;
    this.maxLevel = max;
  }

  abstract OutputStream wrap(OutputStream out, int level, int threads, Executor pool)
      throws IOException;

  /** Unwraps {@code in}; closing the result closes {@code in}. Only the read pipeline calls it. */
  abstract InputStream decompress(InputStream in) throws IOException;

  public static Compression parse(String value) {
    for (Compression c : values()) {
      if (c.id.equals(value.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw BackupException.config("compression '" + value + "' is unknown; use gzip or zstd.");
  }

  public String id() {
    return id;
  }

  public String extension() {
    return extension;
  }

  public String contentType() {
    return contentType;
  }

  public int defaultLevel() {
    return defaultLevel;
  }

  public void checkLevel(int level) {
    if (level < minLevel || level > maxLevel) {
      throw BackupException.config(
          id
              + " compression level "
              + level
              + " is out of range "
              + minLevel
              + "–"
              + maxLevel
              + ".");
    }
  }

  /**
   * Wraps {@code out}; closing the result finishes the stream and closes {@code out}. With more
   * than one thread, gzip blocks are compressed in parallel on {@code pool} into one standard
   * stream. Only the write pipeline calls it.
   */
  OutputStream compress(OutputStream out, int level, int threads, Executor pool)
      throws IOException {
    checkLevel(level);
    return wrap(out, level, Math.max(1, threads), pool);
  }
}
