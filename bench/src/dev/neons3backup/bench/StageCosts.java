package dev.neons3backup.bench;

import dev.neons3backup.pg.DumpScanner;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The CPU cost of each stage of the backup pipeline, one at a time, over a plain dump held in
 * memory: scanning (DumpScanner), gzip -6 (java.util.zip), SHA-256 and CRC32C of the compressed
 * bytes. Run it with the same JVM flags as the backup to see what each stage costs there.
 *
 * <p>Also: other zlib levels, and level 6 split over all cores pigz-style (1 MiB blocks, each
 * primed with the previous 32 KiB as dictionary, so the ratio stays that of one stream).
 *
 * <p>Usage: {@code StageCosts DUMP_FILE|- [LEVEL]}; prints seconds and MB/s per stage.
 */
public final class StageCosts {
  private static final int CHUNK = 256 * 1024;

  private StageCosts() {}

  public static void main(String[] args) throws Exception {
    byte[] dump =
        "-".equals(args[0]) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(args[0]));
    int level = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    System.out.printf("input %.1f MiB%n", dump.length / 1048576.0);

    long t = System.nanoTime();
    DumpScanner scanner = new DumpScanner();
    for (int off = 0; off < dump.length; off += CHUNK) {
      scanner.accept(dump, off, Math.min(CHUNK, dump.length - off));
    }
    report("DumpScanner (raw bytes)", dump.length, t);

    t = System.nanoTime();
    ByteArrayOutputStream gz = new ByteArrayOutputStream(dump.length / 2);
    try (OutputStream out =
        new GZIPOutputStream(gz, 64 * 1024) {
          {
            def.setLevel(level);
          }
        }) {
      for (int off = 0; off < dump.length; off += CHUNK) {
        out.write(dump, off, Math.min(CHUNK, dump.length - off));
      }
    }
    report("gzip -" + level + " (Deflater, raw bytes)", dump.length, t);
    byte[] stored = gz.toByteArray();
    System.out.printf(
        "  -> %.1f MiB, ratio %.2f%n",
        stored.length / 1048576.0, (double) dump.length / stored.length);

    t = System.nanoTime();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < stored.length; off += CHUNK) {
      sha.update(stored, off, Math.min(CHUNK, stored.length - off));
    }
    sha.digest();
    report("SHA-256 (compressed bytes)", stored.length, t);

    t = System.nanoTime();
    CRC32C crc = new CRC32C();
    for (int off = 0; off < stored.length; off += CHUNK) {
      crc.update(stored, off, Math.min(CHUNK, stored.length - off));
    }
    report("CRC32C (compressed bytes)", stored.length, t);

    int threads = Runtime.getRuntime().availableProcessors();
    t = System.nanoTime();
    long packed = parallelDeflate(dump, level, threads);
    report(
        "deflate -"
            + level
            + " on "
            + threads
            + " threads -> ratio "
            + String.format("%.2f", (double) dump.length / packed),
        dump.length,
        t);

    for (int l : new int[] {1, 4}) {
      t = System.nanoTime();
      Deflater d = new Deflater(l, true);
      d.setInput(dump);
      d.finish();
      byte[] buf = new byte[1 << 20];
      long n = 0;
      while (!d.finished()) {
        n += d.deflate(buf);
      }
      d.end();
      report(
          "deflate -"
              + l
              + " (raw bytes) -> ratio "
              + String.format("%.2f", (double) dump.length / n),
          dump.length,
          t);
    }
  }

  private static long parallelDeflate(byte[] dump, int level, int threads) throws Exception {
    int block = 1 << 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> parts = new ArrayList<>();
      for (int off = 0; off < dump.length; off += block) {
        int o = off;
        int len = Math.min(block, dump.length - off);
        parts.add(pool.submit(() -> deflateBlock(dump, o, len, level)));
      }
      long total = 0;
      for (Future<Integer> part : parts) {
        total += part.get();
      }
      return total;
    } finally {
      pool.shutdown();
    }
  }

  private static int deflateBlock(byte[] dump, int off, int len, int level) {
    Deflater d = new Deflater(level, true);
    try {
      if (off >= 32 * 1024) {
        d.setDictionary(dump, off - 32 * 1024, 32 * 1024);
      }
      d.setInput(dump, off, len);
      byte[] out = new byte[len + 1024];
      int total = 0;
      while (true) {
        int k = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        total += k;
        if (k < out.length && d.needsInput()) {
          return total;
        }
      }
    } finally {
      d.end();
    }
  }

  private static void report(String what, long bytes, long startNanos) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    System.out.printf("%-45s %6.2f s  %7.1f MB/s%n", what, s, bytes / 1e6 / s);
  }
}
