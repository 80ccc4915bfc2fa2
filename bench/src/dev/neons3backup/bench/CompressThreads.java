package dev.neons3backup.bench;

import dev.neons3backup.io.Compression;
import dev.neons3backup.io.RawTap;
import dev.neons3backup.io.StreamTotals;
import dev.neons3backup.io.WritePipeline;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes a saved plain dump through this tool's write pipeline ({@link WritePipeline}: compress,
 * then SHA-256 of the compressed bytes) into a stream that discards, so the figure is the
 * pipeline's alone: no pg_dump, no scanner, no upload. SHA-256 is under 1 % of it (StageCosts).
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
    ExecutorService pool = Executors.newCachedThreadPool();
    WritePipeline pipeline = new WritePipeline(algo, level, threads, pool);
    byte[] buf = new byte[CHUNK];
    long start = System.nanoTime();
    WritePipeline.Write out = pipeline.open(OutputStream.nullOutputStream(), RawTap.NONE);
    try (InputStream in = Files.newInputStream(file);
        out) {
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    StreamTotals totals = out.totals();
    System.out.printf(
        "COMPRESS %s %d %d %d %d %.3f%n",
        algo.id(), level, threads, totals.rawBytes(), totals.storedBytes(), seconds);
  }
}
