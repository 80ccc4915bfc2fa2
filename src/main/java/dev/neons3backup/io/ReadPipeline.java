package dev.neons3backup.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * The one place the read chain is built: a stored object in, raw dump bytes out.
 *
 * <pre>
 *   source → read-ahead → digest (+ stored count, progress) → decompress → tap + raw count → read(raw)
 * </pre>
 *
 * The mirror of {@link WritePipeline}: a stage added there between compress and digest (decryption,
 * for encryption) goes here between digest and decompress, where {@code Read} builds its
 * decompressor.
 */
public final class ReadPipeline {
  /** Read-ahead of the store: up to 8 chunks of 1 MiB in flight. */
  private static final int CHUNKS = 8;

  private static final int CHUNK = 1 << 20;

  private final Compression compression;

  public ReadPipeline(Compression compression) {
    this.compression = compression;
  }

  /**
   * Starts reading one stored object from {@code source} (closed with the result). {@code
   * storedProgress} receives the stored bytes as they are read; {@code tap} sees every raw byte.
   */
  public Read open(InputStream source, LongConsumer storedProgress, RawTap tap) {
    DigestingInputStream stored =
        new DigestingInputStream(new ReadAhead(source, CHUNKS, CHUNK), storedProgress);
    return new Read(compression, stored, tap);
  }

  /**
   * One stored object being read: the raw bytes. A damaged compressed stream, header included,
   * fails a read with an IOException; {@link #finish()} then still digests every stored byte.
   */
  public static final class Read extends InputStream {
    private final Compression compression;
    private final DigestingInputStream stored;
    private final RawTap tap;
    private InputStream decompressing;
    private IOException badHeader;
    private long raw;

    private Read(Compression compression, DigestingInputStream stored, RawTap tap) {
      this.compression = compression;
      this.stored = stored;
      this.tap = tap;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (decompressing == null) {
        decompressing = decompressor();
      }
      int n = decompressing.read(b, off, len);
      if (n > 0) {
        tap.accept(b, off, n);
        raw += n;
      }
      return n;
    }

    /**
     * Built on first read, so that a damaged header is a failed read like any other damage; it
     * stays failed (a second try would start in the middle of the stream).
     */
    private InputStream decompressor() throws IOException {
      if (badHeader == null) {
        try {
          return compression.decompress(stored);
        } catch (IOException e) {
          badHeader = e;
        }
      }
      throw badHeader;
    }

    /**
     * Reads the stored bytes left after the compressed stream (or after the point where reading it
     * failed) into the digest, and returns the totals of the whole object.
     */
    public StreamTotals finish() throws IOException {
      stored.transferTo(OutputStream.nullOutputStream());
      return new StreamTotals(raw, stored.count(), stored.sha256Hex());
    }

    /**
     * Closes the chain from its top: the decompressor holds native memory (zstd) until it is
     * closed, and the read-ahead aborts a source that was not read to its end.
     */
    @Override
    public void close() throws IOException {
      (decompressing != null ? decompressing : stored).close();
    }
  }
}
