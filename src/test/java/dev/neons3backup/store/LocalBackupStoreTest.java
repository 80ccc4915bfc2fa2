package dev.neons3backup.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.concurrent.Threads;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local store on a temporary directory: the same contract as the bucket. */
class LocalBackupStoreTest {
  private static final String KEY = "orders/2026-11-24_02-00-00.sql.gz";

  @TempDir Path dir;

  @Test
  void aCommittedObjectReadsBackUnderItsKeyInTheBucketsLayout() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    ObjectSink sink = store.create(KEY, "application/gzip");
    sink.stream().write("hello".getBytes(UTF_8));
    sink.stream().close();
    StoredObject stored = sink.commit();

    assertThat(stored.key()).isEqualTo(KEY);
    assertThat(stored.size()).isEqualTo(5);
    assertThat(stored.location()).isEqualTo(dir.resolve(KEY).toString());
    assertThat(store.exists(KEY)).isTrue();
    assertThat(read(store, KEY)).isEqualTo("hello");
    assertThat(Files.readString(dir.resolve(KEY))).isEqualTo("hello");
  }

  @Test
  void nothingIsVisibleBeforeCommitAndAbortLeavesNoTrace() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    ObjectSink sink = store.create(KEY, "application/gzip");
    sink.stream().write(new byte[1000]);
    sink.stream().flush();

    assertThat(store.exists(KEY)).isFalse();
    assertThat(store.list("")).as("the temporary file is not listed").isEmpty();

    sink.abort();
    assertThat(filesUnder(dir.resolve("orders"))).isZero();
  }

  @Test
  void listsEachKeyWithWhenItsFileWasWritten() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, "x".getBytes(UTF_8), "application/gzip");
    Instant written = Instant.parse("2026-11-24T02:03:04Z");
    Files.setLastModifiedTime(dir.resolve(KEY), FileTime.from(written));

    assertThat(store.listWithTimes("orders/")).containsExactly(new ListedKey(KEY, written));
    assertThat(store.listWithTimes("other/")).isEmpty();
  }

  @Test
  void refusesToOverwriteAnExistingObject() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, "first".getBytes(UTF_8), "application/gzip");

    ObjectSink second = store.create(KEY, "application/gzip");
    second.stream().write("second".getBytes(UTF_8));
    assertThatThrownBy(second::commit)
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessage("an object already exists under " + KEY);
    assertThatThrownBy(() -> store.putIfAbsent(KEY, new byte[1], "application/gzip"))
        .isInstanceOf(AlreadyExistsException.class);

    assertThat(read(store, KEY)).isEqualTo("first");
    assertThat(filesUnder(dir.resolve("orders"))).as("no temporary file left").isEqualTo(1);
  }

  @Test
  void listsKeysUnderAPrefixWithForwardSlashes() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, new byte[1], "application/gzip");
    store.putIfAbsent(KEY + ".manifest.json", new byte[1], "application/json");
    store.putIfAbsent("users/2026-11-24_02-00-00.sql.gz", new byte[1], "application/gzip");

    assertThat(store.list("")).hasSize(3);
    assertThat(store.list("orders/")).containsExactlyInAnyOrder(KEY, KEY + ".manifest.json");
  }

  @Test
  void aFolderPrefixListsThatFolderOnlyAndNotAFolderWhoseNameStartsTheSame() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, new byte[1], "application/gzip");
    store.putIfAbsent("orders-eu/2026-11-24_02-00-00.sql.gz", new byte[1], "application/gzip");
    store.putIfAbsent("orders/deeper/x.json", new byte[1], "application/json");

    assertThat(store.list("orders/")).containsExactlyInAnyOrder(KEY, "orders/deeper/x.json");
    assertThat(store.list("orders/2026-11-24")).containsExactly(KEY);
    assertThat(store.list("orders"))
        .containsExactlyInAnyOrder(
            KEY, "orders/deeper/x.json", "orders-eu/2026-11-24_02-00-00.sql.gz");
    assertThat(store.list("absent/")).isEmpty();
    assertThatThrownBy(() -> store.list("../elsewhere/"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFolderPrefixThatIsAFileOrALinkListsNothing() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, new byte[1], "application/gzip");
    Files.writeString(dir.resolve("users"), "x");
    Files.createSymbolicLink(dir.resolve("linked"), dir.resolve("orders"));

    assertThat(store.list("users/")).isEmpty();
    assertThat(store.list("linked/"))
        .as("as the whole walk, which follows no link inside")
        .isEmpty();
    assertThat(store.list("")).containsExactlyInAnyOrder(KEY, "users");
  }

  /**
   * A backup running beside a {@code status} or {@code list} removes its temporary file once the
   * object is published (and a prune removes old backups): a file the walk read from the directory
   * may be gone when it looks at it. Bounded by the files the other thread deletes.
   */
  @Test
  void filesDeletedWhileTheFolderIsWalkedAreLeftOutNotAnError() throws Exception {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, new byte[1], "application/gzip");
    List<Path> temps = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      temps.add(Files.createFile(dir.resolve("orders/.tmp-" + i)));
    }
    Thread deleter =
        Threads.start(
            "deleter",
            () -> {
              for (Path p : temps) {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            });
    try {
      do {
        assertThat(store.list("orders/")).containsExactly(KEY);
      } while (deleter.isAlive());
    } finally {
      deleter.join();
    }
  }

  /**
   * A store directory linked onto a disk that is not mounted: listed as empty, a store that lost
   * every backup would read as one that never had any ({@code status} exits 0 on an empty store).
   */
  @Test
  void aLinkedStoreDirectoryWhoseTargetIsGoneIsAnErrorNotAnEmptyStore() throws IOException {
    Path target = dir.resolve("unmounted/backups");
    Path link = Files.createSymbolicLink(dir.resolve("backups"), target);
    LocalBackupStore store = new LocalBackupStore(link);

    assertThatThrownBy(store::folders)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot list "
                + link
                + ": it is a link to "
                + target
                + ", which does not exist (a disk not mounted?); mount or create it, or point"
                + " --store at a directory");
    assertThatThrownBy(() -> store.list("orders/")).isInstanceOf(IOException.class);
  }

  @Test
  void foldersAreTheStoreDirectorysDirectoriesOnly() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, new byte[1], "application/gzip");
    store.putIfAbsent("users/2026-11-24_02-00-00.sql.gz", new byte[1], "application/gzip");
    store.putIfAbsent("_runs/2026-11-24_02-00-00/plan.json", new byte[1], "application/json");
    Files.writeString(dir.resolve("README"), "a file beside the folders");
    Files.createSymbolicLink(dir.resolve("linked"), dir.resolve("orders"));
    Files.createDirectory(dir.resolve("empty"));

    assertThat(store.folders()).containsExactly("_runs", "empty", "orders", "users");
    assertThat(new LocalBackupStore(dir.resolve("not-yet")).folders()).isEmpty();
    Path file = Files.writeString(dir.resolve("backups"), "x");
    assertThatThrownBy(() -> new LocalBackupStore(file).folders())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("it is a file, not a directory");
  }

  @Test
  void aStoreDirectoryThatDoesNotExistYetIsEmpty() throws IOException {
    assertThat(new LocalBackupStore(dir.resolve("not-yet")).list("")).isEmpty();
  }

  @Test
  void aStoreThatIsAFileIsAnErrorNamingThePath() throws IOException {
    Path file = Files.writeString(dir.resolve("backups"), "x");
    assertThatThrownBy(() -> new LocalBackupStore(file).list(""))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot list "
                + file
                + ": it is a file, not a directory; point --store at a directory");
  }

  @Test
  void aLinkToTheStoreDirectoryIsFollowed() throws IOException {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    new LocalBackupStore(real).putIfAbsent(KEY, new byte[1], "application/gzip");

    assertThat(new LocalBackupStore(link).list("")).containsExactly(KEY);
  }

  @Test
  void aFileInTheWayOfADirectoryIsOneLineSayingWhatToDo() throws IOException {
    Files.writeString(dir.resolve("orders"), "x");
    assertThatThrownBy(() -> new LocalBackupStore(dir).create(KEY, "application/gzip"))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot create the directory "
                + dir.resolve("orders")
                + " (a file is in the way of a directory): move that file away, or use another"
                + " --store");
  }

  @Test
  void openingAMissingKeyIsFileNotFoundNamingTheFile() {
    LocalBackupStore store = new LocalBackupStore(dir);
    assertThatThrownBy(() -> store.open(KEY))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(dir.resolve(KEY).toString());
  }

  @Test
  void deleteRemovesAnObjectAndIgnoresAMissingOne() throws IOException {
    LocalBackupStore store = new LocalBackupStore(dir);
    store.putIfAbsent(KEY, new byte[1], "application/gzip");
    store.delete(KEY);
    store.delete(KEY);
    assertThat(store.exists(KEY)).isFalse();
  }

  @Test
  void keysOutsideTheStoreAreRefused() {
    LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
    assertThatThrownBy(() -> store.exists("../elsewhere/x.sql.gz"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.open("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.describe("")).isEqualTo(dir.resolve("store").toString());
  }

  private static String read(BackupStore store, String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  private static long filesUnder(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    }
  }
}
