package dev.neons3backup.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The write pipeline and the read pipeline, round trip: what goes in comes out, and is counted. */
class PipelinesTest {
  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  @AfterAll
  static void stopThePool() {
    POOL.shutdown();
  }

  static Stream<Arguments> codecsLevelsThreads() {
    return Stream.of(
        Arguments.of(Compression.GZIP, 1, 1),
        Arguments.of(Compression.GZIP, 6, 1),
        Arguments.of(Compression.GZIP, 9, 1),
        Arguments.of(Compression.GZIP, 1, 2),
        Arguments.of(Compression.GZIP, 6, 3),
        Arguments.of(Compression.ZSTD, 1, 1),
        Arguments.of(Compression.ZSTD, 3, 1),
        Arguments.of(Compression.ZSTD, 19, 1),
        Arguments.of(Compression.ZSTD, 3, 2));
  }

  @ParameterizedTest
  @MethodSource("codecsLevelsThreads")
  void whatIsWrittenReadsBackWithTheSameTotals(Compression c, int level, int threads)
      throws IOException {
    byte[] raw = CompressionTest.sqlLike(700_000, level * 10L + threads);
    ByteArrayOutputStream writeTap = new ByteArrayOutputStream();
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    WritePipeline.Write out =
        new WritePipeline(c, level, threads, POOL).open(stored, writeTap::write);
    try (out) {
      for (int off = 0; off < raw.length; off += 9999) {
        out.write(raw, off, Math.min(9999, raw.length - off));
      }
    }
    StreamTotals written = out.totals();
    byte[] object = stored.toByteArray();
    assertThat(writeTap.toByteArray()).isEqualTo(raw);
    assertThat(written).isEqualTo(new StreamTotals(raw.length, object.length, sha256(object)));
    assertThat(object.length).isLessThan(raw.length / 2);

    ByteArrayOutputStream readTap = new ByteArrayOutputStream();
    AtomicLong progress = new AtomicLong();
    try (ReadPipeline.Read in =
        new ReadPipeline(c)
            .open(new ByteArrayInputStream(object), progress::addAndGet, readTap::write)) {
      assertThat(in.readAllBytes()).isEqualTo(raw);
      assertThat(in.finish()).isEqualTo(written);
    }
    assertThat(readTap.toByteArray()).isEqualTo(raw);
    assertThat(progress).hasValue(object.length);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void anEmptyDumpIsAValidStreamThatReadsBackEmpty(Compression c) throws IOException {
    byte[] object = write(c, new byte[0]);
    assertThat(object).isNotEmpty();
    try (ReadPipeline.Read in = read(c, object)) {
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.finish()).isEqualTo(new StreamTotals(0, object.length, sha256(object)));
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aTruncatedObjectFailsTheReadAndStillDigestsWhatWasStored(Compression c) throws IOException {
    byte[] object = write(c, CompressionTest.sqlLike(400_000, 5));
    byte[] truncated = Arrays.copyOf(object, object.length / 2);
    try (ReadPipeline.Read in = read(c, truncated)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
      StreamTotals totals = in.finish();
      assertThat(totals.storedBytes()).isEqualTo(truncated.length);
      assertThat(totals.sha256()).isEqualTo(sha256(truncated));
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aDamagedObjectFailsTheRead(Compression c) throws IOException {
    byte[] object = write(c, CompressionTest.sqlLike(400_000, 6));
    object[object.length / 2] ^= 0x55;
    object[object.length - 6] ^= 0x55; // gzip: its CRC-32; zstd: its content checksum
    try (ReadPipeline.Read in = read(c, object)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aDamagedHeaderFailsEveryReadNotJustTheFirst(Compression c) throws IOException {
    byte[] object = write(c, CompressionTest.sqlLike(10_000, 7));
    object[0] ^= 0x55;
    try (ReadPipeline.Read in = read(c, object)) {
      assertThatThrownBy(in::read).isInstanceOf(IOException.class);
      assertThatThrownBy(in::read).isInstanceOf(IOException.class);
      assertThat(in.finish().sha256()).isEqualTo(sha256(object));
    }
  }

  @Test
  void bytesAfterTheCompressedStreamAreInTheDigest() throws IOException {
    byte[] raw = CompressionTest.sqlLike(50_000, 8);
    byte[] good = write(Compression.GZIP, raw);
    byte[] object = Arrays.copyOf(good, good.length + 3);
    try (ReadPipeline.Read in = read(Compression.GZIP, object)) {
      assertThat(in.readAllBytes()).isEqualTo(raw);
      assertThat(in.finish())
          .isEqualTo(new StreamTotals(raw.length, object.length, sha256(object)));
    }
  }

  @Test
  void parallelGzipCompressesOnTheExecutorItIsGiven() throws IOException {
    AtomicInteger tasks = new AtomicInteger();
    WritePipeline pipeline =
        new WritePipeline(
            Compression.GZIP,
            6,
            2,
            task -> {
              tasks.incrementAndGet();
              POOL.execute(task);
            });
    try (WritePipeline.Write out = pipeline.open(OutputStream.nullOutputStream(), RawTap.NONE)) {
      out.write(CompressionTest.sqlLike(2_000_000, 9));
    }
    assertThat(tasks.get()).isGreaterThan(1);
  }

  @Test
  void closingAReadBeforeItsEndClosesTheSource() throws IOException {
    AtomicBoolean closed = new AtomicBoolean();
    InputStream source =
        new ByteArrayInputStream(write(Compression.ZSTD, new byte[100_000])) {
          @Override
          public void close() {
            closed.set(true);
          }
        };
    try (ReadPipeline.Read in =
        new ReadPipeline(Compression.ZSTD).open(source, n -> {}, RawTap.NONE)) {
      assertThat(in.read()).isZero();
    }
    assertThat(closed).isTrue();
  }

  @Test
  void totalsAreOnlyGivenOnceTheObjectIsClosed() throws IOException {
    WritePipeline.Write out =
        new WritePipeline(Compression.GZIP, 6, 1, POOL)
            .open(OutputStream.nullOutputStream(), RawTap.NONE);
    assertThatThrownBy(out::totals).isInstanceOf(IllegalStateException.class);
    out.close();
    assertThat(out.totals().rawBytes()).isZero();
  }

  @Test
  void aLevelOutOfRangeIsRefusedWhenThePipelineIsBuilt() {
    assertThatThrownBy(() -> new WritePipeline(Compression.GZIP, 10, 1, POOL))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> new WritePipeline(Compression.ZSTD, 0, 1, POOL))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("out of range");
  }

  private static byte[] write(Compression c, byte[] raw) throws IOException {
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    try (WritePipeline.Write out =
        new WritePipeline(c, c.defaultLevel(), 2, POOL).open(stored, RawTap.NONE)) {
      out.write(raw);
    }
    return stored.toByteArray();
  }

  private static ReadPipeline.Read read(Compression c, byte[] object) {
    return new ReadPipeline(c).open(new ByteArrayInputStream(object), n -> {}, RawTap.NONE);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
