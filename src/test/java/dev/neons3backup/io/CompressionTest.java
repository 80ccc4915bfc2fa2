package dev.neons3backup.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressionTest {
  private static final ExecutorService POOL = Executors.newCachedThreadPool();
  @TempDir Path tmp;

  @AfterAll
  static void stopThePool() {
    POOL.shutdown();
  }

  /** SQL-like text: repetitive structure, varied content, so that ratios are realistic. */
  static byte[] sqlLike(int size, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder(size + 200);
    while (b.length() < size) {
      b.append(r.nextInt(1_000_000))
          .append('\t')
          .append("customer-")
          .append(Long.toHexString(r.nextLong()))
          .append("\t{\"city\": \"")
          .append(r.nextBoolean() ? "Zürich" : "Lisboa")
          .append("\", \"n\": ")
          .append(r.nextInt(100))
          .append("}\t2026-11-")
          .append(10 + r.nextInt(20))
          .append('\n');
    }
    return b.substring(0, size).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] compress(Compression c, byte[] data, int threads, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = c.compress(out, c.defaultLevel(), threads, POOL)) {
      for (int off = 0; off < data.length; off += chunk) {
        z.write(data, off, Math.min(chunk, data.length - off));
      }
    }
    return out.toByteArray();
  }

  static byte[] decompress(Compression c, byte[] data) throws IOException {
    return c.decompress(new ByteArrayInputStream(data)).readAllBytes();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0,
        1,
        1000,
        ParallelGzipOutputStream.BLOCK - 1,
        ParallelGzipOutputStream.BLOCK,
        ParallelGzipOutputStream.BLOCK + 1,
        3 * ParallelGzipOutputStream.BLOCK,
        5_000_000
      })
  void parallelGzipRoundTripsAnySize(int size) throws IOException {
    byte[] data = sqlLike(size, size);
    for (int threads : new int[] {2, 4}) {
      for (int chunk : new int[] {1 << 20, 7777}) {
        assertThat(decompress(Compression.GZIP, compress(Compression.GZIP, data, threads, chunk)))
            .as("size %d threads %d chunk %d", size, threads, chunk)
            .isEqualTo(data);
      }
    }
  }

  @Test
  void parallelGzipIsOneStandardStreamThatGunzipReads() throws Exception {
    byte[] data = sqlLike(3_000_000, 42);
    Path gz = tmp.resolve("dump.sql.gz");
    Files.write(gz, compress(Compression.GZIP, data, 2, 65536));
    Process p = new ProcessBuilder("gzip", "-t", gz.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    Process cat = new ProcessBuilder("gzip", "-dc", gz.toString()).start();
    assertThat(cat.getInputStream().readAllBytes()).isEqualTo(data);
  }

  @Test
  void parallelGzipIsWithinOnePercentOfSingleThreadedSize() throws IOException {
    byte[] data = sqlLike(8_000_000, 7);
    long single = compress(Compression.GZIP, data, 1, 1 << 16).length;
    long parallel = compress(Compression.GZIP, data, 2, 1 << 16).length;
    assertThat((double) parallel / single).isBetween(0.99, 1.01);
    assertThat(single).isLessThan(data.length / 2);
  }

  @Test
  void zstdRoundTripsOnOneThreadAndMany() throws IOException {
    byte[] data = sqlLike(2_000_000, 3);
    for (int threads : new int[] {1, 2}) {
      byte[] z = compress(Compression.ZSTD, data, threads, 100_000);
      assertThat(z.length).isLessThan(data.length / 2);
      assertThat(decompress(Compression.ZSTD, z)).isEqualTo(data);
    }
    assertThat(Compression.ZSTD.extension()).isEqualTo(".sql.zst");
  }

  @Test
  void aDamagedGzipStreamIsReportedWhenRead() throws IOException {
    byte[] z = compress(Compression.GZIP, sqlLike(500_000, 1), 2, 4096);
    z[z.length - 6] ^= 1; // inside the CRC-32 of the trailer
    assertThatThrownBy(() -> decompress(Compression.GZIP, z)).isInstanceOf(IOException.class);
  }

  @Test
  void levelsAndNamesAreChecked() {
    assertThat(Compression.parse("ZSTD")).isEqualTo(Compression.ZSTD);
    assertThatThrownBy(() -> Compression.parse("brotli"))
        .isInstanceOf(BackupException.class)
        .hasMessage("compression 'brotli' is unknown; use gzip or zstd.");
    assertThatThrownBy(() -> Compression.GZIP.checkLevel(10)).hasMessageContaining("1–9");
    Compression.ZSTD.checkLevel(19);
  }
}
