package dev.neons3backup.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.VerifyReport;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.io.Compression;
import dev.neons3backup.io.RawTap;
import dev.neons3backup.io.WritePipeline;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.ListedKey;
import dev.neons3backup.store.ObjectSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** verify frees what it decompresses with: the decompressor itself closes the read chain. */
class VerifierTest {
  private static final String DUMP = "SELECT 1;\n--\n-- PostgreSQL database dump complete\n--\n\n";

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theDecompressorIsClosedAfterAGoodBackup(Compression c) throws IOException {
    RecordingStore store = new RecordingStore(compressed(c, DUMP));
    new Verifier(store, Clock.systemUTC()).verify(entry(c), n -> {});
    assertThat(store.closers).anySatisfy(trace -> assertThat(trace).contains(decompressor(c)));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theDecompressorIsClosedWhenTheStreamIsDamaged(Compression c) throws IOException {
    byte[] good = compressed(c, DUMP.repeat(2000));
    byte[] damaged = Arrays.copyOf(good, good.length / 2);
    damaged[damaged.length / 2] ^= 0x55;
    RecordingStore store = new RecordingStore(damaged);
    VerifyReport report = new Verifier(store, Clock.systemUTC()).verify(entry(c), n -> {});
    assertThat(report.ok()).isFalse();
    assertThat(store.closers).anySatisfy(trace -> assertThat(trace).contains(decompressor(c)));
  }

  private static String decompressor(Compression c) {
    return c == Compression.GZIP ? "GZIPInputStream.close" : "ZstdInputStream.close";
  }

  private static BackupEntry entry(Compression c) {
    return new BackupEntry(
        new BackupKey("db", Instant.parse("2026-11-24T02:00:00Z"), c),
        Optional.empty(),
        Optional.empty());
  }

  private static byte[] compressed(Compression c, String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out =
        new WritePipeline(c, c.defaultLevel(), 1, Runnable::run).open(bytes, RawTap.NONE)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** Serves one object; records, for every close of it, who closed it. */
  private static final class RecordingStore implements BackupStore {
    final List<String> closers = new ArrayList<>();
    private final byte[] object;

    RecordingStore(byte[] object) {
      this.object = object;
    }

    @Override
    public InputStream open(String key) {
      return new ByteArrayInputStream(object) {
        @Override
        public void close() {
          StringBuilder trace = new StringBuilder();
          for (StackTraceElement e : new Throwable().getStackTrace()) {
            trace.append(e.getClassName()).append('.').append(e.getMethodName()).append('\n');
          }
          closers.add(trace.toString());
        }
      };
    }

    @Override
    public boolean exists(String key) {
      return false;
    }

    @Override
    public ObjectSink create(String key, String contentType) throws IOException {
      throw new IOException("read-only");
    }

    @Override
    public void putIfAbsent(String key, byte[] content, String contentType) throws IOException {
      throw new IOException("read-only");
    }

    @Override
    public List<ListedKey> listWithTimes(String prefix) {
      return List.of();
    }

    @Override
    public void delete(String key) throws IOException {
      throw new IOException("read-only");
    }

    @Override
    public String describe(String key) {
      return "memory:" + key;
    }
  }
}
