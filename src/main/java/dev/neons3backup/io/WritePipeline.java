package dev.neons3backup.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executor;

/**
 * The one place the write chain is built: raw dump bytes in, stored bytes out.
 *
 * <pre>
 *   write(raw) → tap (the caller's scanner) + raw count → compress → digest → sink
 * </pre>
 *
 * A new stage that changes the stored bytes (client-side encryption is next) goes between compress
 * and digest in {@link #open}: the digest, the size and the manifest then describe the bytes as
 * stored, which is what {@code sha256sum -c} and verify check.
 *
 * <p>One pipeline serves every backup of a run; its owner hands it the executor that parallel gzip
 * compresses on, and shuts that down.
 */
public final class WritePipeline {
  private final Compression compression;
  private final int level;
  private final int threads;
  private final Executor compressors;

  public WritePipeline(Compression compression, int level, int threads, Executor compressors) {
    compression.checkLevel(level);
    this.compression = compression;
    this.level = level;
    this.threads = Math.max(1, threads);
    this.compressors = compressors;
  }

  public Compression compression() {
    return compression;
  }

  public int level() {
    return level;
  }

  /**
   * Starts one object. Every byte written to the result is shown to {@code tap}, compressed,
   * digested and written to {@code sink}; closing the result ends the compressed stream and closes
   * {@code sink}.
   */
  public Write open(OutputStream sink, RawTap tap) throws IOException {
    DigestingOutputStream stored = new DigestingOutputStream(sink);
    return new Write(compression.compress(stored, level, threads, compressors), stored, tap);
  }

  /** One object being written: raw bytes in; its totals once it is closed. */
  public static final class Write extends OutputStream {
    private final OutputStream compressing;
    private final DigestingOutputStream stored;
    private final RawTap tap;
    private long raw;
    private StreamTotals totals;

    private Write(OutputStream compressing, DigestingOutputStream stored, RawTap tap) {
      this.compressing = compressing;
      this.stored = stored;
      this.tap = tap;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      tap.accept(b, off, len);
      raw += len;
      compressing.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      compressing.flush();
    }

    @Override
    public void close() throws IOException {
      if (totals == null) {
        compressing.close();
        // Only now has the compressor written its last bytes through the digest.
        totals = new StreamTotals(raw, stored.count(), stored.sha256Hex());
      }
    }

    /** What was written; only after {@link #close()} succeeded. */
    public StreamTotals totals() {
      if (totals == null) {
        throw new IllegalStateException("the object is not closed yet");
      }
      return totals;
    }
  }
}
