package dev.neons3backup.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.io.Compression;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.LocalBackupStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The previous complete backup a new one is compared with: found from one key listing and one
 * manifest read, however many backups the database has.
 */
class NewestBeforeTest {
  private static final Instant T1 = Instant.parse("2026-11-20T02:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-21T02:00:00Z");
  private static final Instant T3 = Instant.parse("2026-11-22T02:00:00Z");
  private static final Instant T4 = Instant.parse("2026-11-23T02:00:00Z");

  @TempDir Path dir;

  @Test
  void findsTheNewestEarlierBackupWithAManifestReadingOnlyThatManifest() throws Exception {
    List<String> opened = new ArrayList<>();
    try (LocalBackupStore local = new LocalBackupStore(dir)) {
      complete(local, "shop", T1);
      complete(local, "shop", T2);
      local.putIfAbsent(key("shop", T3).format(), bytes("object only"), "application/gzip");
      complete(local, "shopping", T3);
      BackupStore store = counting(local, opened);

      Optional<BackupEntry> previous = new Catalog(store).newestBefore("shop", T4);

      assertThat(previous).get().extracting(BackupEntry::time).isEqualTo(T2);
      assertThat(previous.get().complete()).isTrue();
      assertThat(opened).containsExactly(key("shop", T2).manifestKey());
      assertThat(new Catalog(store).newestBefore("shop", T1)).isEmpty();
    }
  }

  @Test
  void aCorruptManifestIsReturnedAsSuchForTheCallerToReport() throws Exception {
    try (LocalBackupStore store = new LocalBackupStore(dir)) {
      BackupKey k = key("shop", T1);
      store.putIfAbsent(k.format(), bytes("object"), "application/gzip");
      store.putIfAbsent(k.manifestKey(), bytes("{ not json"), "application/json");

      BackupEntry previous = new Catalog(store).newestBefore("shop", T2).orElseThrow();

      assertThat(previous.state()).isEqualTo(BackupEntry.State.CORRUPT_MANIFEST);
      assertThat(previous.problem()).startsWith("corrupt manifest: ");
    }
  }

  private static BackupKey key(String database, Instant time) {
    return new BackupKey(database, time, Compression.GZIP);
  }

  private static void complete(BackupStore store, String database, Instant time) throws Exception {
    BackupKey k = key(database, time);
    store.putIfAbsent(k.format(), bytes("object"), "application/gzip");
    Manifest m =
        new Manifest(
            1,
            database,
            k.format(),
            time.toString(),
            time.plusSeconds(3).toString(),
            3000L,
            "gzip",
            6,
            1000,
            400,
            "ab".repeat(32),
            "pg_dump 15",
            "15.10",
            List.of("--no-owner"),
            10,
            Map.of(),
            null,
            null);
    store.putIfAbsent(k.manifestKey(), m.toJson(), "application/json");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The store, noting every key opened for reading. */
  private static BackupStore counting(BackupStore store, List<String> opened) {
    return (BackupStore)
        Proxy.newProxyInstance(
            BackupStore.class.getClassLoader(),
            new Class<?>[] {BackupStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("open")) {
                opened.add((String) args[0]);
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
