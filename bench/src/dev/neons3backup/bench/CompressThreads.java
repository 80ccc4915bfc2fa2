package dev.neons3backup.bench;

import dev.neons3backup.io.Compression;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compresses a saved plain dump with this tool's own compressor ({@link Compression#compress})
 * into a stream that only counts, so the figure is the compressor's alone: no pg_dump, no upload.
 *
 * <p>Usage: {@code CompressThreads FILE gzip|zstd LEVEL THREADS}. Prints one line {@code
 * COMPRESS algo level threads rawBytes storedBytes seconds}.
 */
public final class CompressThreads {
  private static final int CHUNK = 1 << 20;

  private CompressThreads() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Compression algo = Compression.parse(args[1]);
    int level = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    CountingSink sink = new CountingSink();
    byte[] buf = new byte[CHUNK];
    long raw = 0;
    long start = System.nanoTime();
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = algo.compress(sink, level, threads)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
        raw += n;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "COMPRESS %s %d %d %d %d %.3f%n", algo.id(), level, threads, raw, sink.count, seconds);
  }

  /** Discards what it is given and counts it. */
  private static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
