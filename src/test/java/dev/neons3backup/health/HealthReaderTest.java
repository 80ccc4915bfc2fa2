package dev.neons3backup.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.ListedKey;
import dev.neons3backup.store.LocalBackupStore;
import dev.neons3backup.store.ObjectSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code status} reads from a real local store, every object it opens recorded. */
class HealthReaderTest {
  private static final Instant OLDER = Instant.parse("2026-11-23T02:00:00Z");
  private static final Instant NEWER = Instant.parse("2026-11-24T02:00:00Z");

  @TempDir Path dir;

  @Test
  void takesTheVerificationTimeFromTheListingWithoutReadingTheMarker() throws IOException {
    LocalBackupStore local = new LocalBackupStore(dir);
    BackupEntry older = HealthFixtures.complete("orders", OLDER, 3000, 100);
    BackupEntry newer = HealthFixtures.complete("orders", NEWER, 3000, 100);
    for (BackupEntry e : List.of(older, newer)) {
      local.putIfAbsent(e.key(), new byte[] {1}, "application/gzip");
      local.putIfAbsent(e.backupKey().manifestKey(), e.manifest().orElseThrow().toJson(), "x");
    }
    String marker = newer.backupKey().verifiedKey();
    local.putIfAbsent(marker, Catalog.verifiedMarker(NEWER.plusSeconds(60), "ab"), "x");
    Instant written = NEWER.plusSeconds(61);
    Files.setLastModifiedTime(dir.resolve(marker), FileTime.from(written));
    Recording store = new Recording(local);

    DatabaseHealth health =
        new HealthReader(store).read(Optional.empty(), false).stream().findFirst().orElseThrow();

    assertThat(health.lastVerified()).contains(written);
    assertThat(health.newest().orElseThrow().key()).isEqualTo(newer.key());
    assertThat(store.opened)
        .as("only the two manifests are read")
        .containsExactlyInAnyOrder(
            older.backupKey().manifestKey(), newer.backupKey().manifestKey());
  }

  @Test
  void listsTheFoldersOnceThenEachDatabasesFolderAloneAndNeverTheRunsFolder() throws IOException {
    LocalBackupStore local = new LocalBackupStore(dir);
    for (String db : List.of("orders", "shop")) {
      BackupEntry e = HealthFixtures.complete(db, NEWER, 3000, 100);
      local.putIfAbsent(e.key(), new byte[] {1}, "application/gzip");
      local.putIfAbsent(e.backupKey().manifestKey(), e.manifest().orElseThrow().toJson(), "x");
    }
    local.putIfAbsent("_runs/2026-11-24_02-00-00/plan.json", new byte[] {1}, "x");
    local.putIfAbsent("stray/notes.txt", new byte[] {1}, "x");
    local.putIfAbsent("lost+found/#1234", new byte[] {1}, "x");
    Recording store = new Recording(local);

    List<DatabaseHealth> all = new HealthReader(store).read(Optional.empty(), false);

    assertThat(all).extracting(DatabaseHealth::database).containsExactly("orders", "shop");
    assertThat(store.folderListings).as("one listing of the folders").hasValue(1);
    assertThat(store.listed)
        .as(
            "a folder without a backup is listed and left out; the fleet's runs and a folder no"
                + " database may be named are never listed")
        .containsExactlyInAnyOrder("orders/", "shop/", "stray/");
  }

  @Test
  void oneNamedDatabaseListsOnlyItsFolder() throws IOException {
    LocalBackupStore local = new LocalBackupStore(dir);
    for (String db : List.of("orders", "shop")) {
      BackupEntry e = HealthFixtures.complete(db, NEWER, 3000, 100);
      local.putIfAbsent(e.key(), new byte[] {1}, "application/gzip");
      local.putIfAbsent(e.backupKey().manifestKey(), e.manifest().orElseThrow().toJson(), "x");
    }
    Recording store = new Recording(local);

    List<DatabaseHealth> all = new HealthReader(store).read(Optional.of("shop"), false);

    assertThat(all).extracting(DatabaseHealth::database).containsExactly("shop");
    assertThat(store.folderListings).hasValue(0);
    assertThat(store.listed).containsExactly("shop/");
    assertThat(new HealthReader(store).read(Optional.of("absent"), false)).isEmpty();
  }

  /** The real store, with the keys of the objects opened recorded. */
  private static final class Recording implements BackupStore {
    private final BackupStore store;
    final Set<String> opened = ConcurrentHashMap.newKeySet();
    final List<String> listed = new CopyOnWriteArrayList<>();
    final AtomicInteger folderListings = new AtomicInteger();

    Recording(BackupStore store) {
      this.store = store;
    }

    @Override
    public InputStream open(String key) throws IOException {
      opened.add(key);
      return store.open(key);
    }

    @Override
    public List<ListedKey> listWithTimes(String prefix) throws IOException {
      listed.add(prefix);
      return store.listWithTimes(prefix);
    }

    @Override
    public SortedSet<String> folders() throws IOException {
      folderListings.incrementAndGet();
      return store.folders();
    }

    @Override
    public boolean exists(String key) throws IOException {
      return store.exists(key);
    }

    @Override
    public ObjectSink create(String key, String contentType) throws IOException {
      return store.create(key, contentType);
    }

    @Override
    public void putIfAbsent(String key, byte[] content, String contentType) throws IOException {
      store.putIfAbsent(key, content, contentType);
    }

    @Override
    public void delete(String key) throws IOException {
      store.delete(key);
    }

    @Override
    public String describe(String key) {
      return store.describe(key);
    }
  }
}
