package dev.neons3backup.compress;

import dev.neons3backup.BackupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The compression of stored dumps: the algorithm, its levels, and the file extension. */
public enum Compression {
  GZIP("gzip", ".sql.gz", "application/gzip", 6, 1, 9);

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

  public static Compression parse(String value) {
    for (Compression c : values()) {
      if (c.id.equals(value.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw BackupException.config("compression '" + value + "' is unknown; use gzip.");
  }

  /** The compression a stored key was written with, from its extension. */
  public static Compression ofKey(String key) {
    for (Compression c : values()) {
      if (key.endsWith(c.extension)) {
        return c;
      }
    }
    throw new IllegalArgumentException("not a backup key: " + key);
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

  /** Wraps {@code out}; closing the result finishes the stream and closes {@code out}. */
  public OutputStream compress(OutputStream out, int level) throws IOException {
    checkLevel(level);
    return new GZIPOutputStream(out, BUFFER) {
      {
        def.setLevel(level == Deflater.DEFAULT_COMPRESSION ? 6 : level);
      }
    };
  }

  public InputStream decompress(InputStream in) throws IOException {
    return new GZIPInputStream(in, BUFFER);
  }
}
