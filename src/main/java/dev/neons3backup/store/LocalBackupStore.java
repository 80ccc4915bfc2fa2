package dev.neons3backup.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Backups in a local directory, laid out exactly like the bucket (same keys, same side files), so a
 * first run needs no AWS account and a directory can be synced to S3 as it is. Each object is
 * written to a hidden temporary file, synced, then published with a hard link — which, unlike a
 * rename, fails when the name exists, so nothing is ever replaced.
 */
public final class LocalBackupStore implements BackupStore {
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path root;

  public LocalBackupStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public boolean exists(String key) {
    return Files.exists(path(key));
  }

  @Override
  public ObjectSink create(String key, String contentType) throws IOException {
    Path target = path(key);
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new FileSink(key, target, temp, channel);
  }

  @Override
  public void putIfAbsent(String key, byte[] content, String contentType) throws IOException {
    ObjectSink sink = create(key, contentType);
    try {
      sink.stream().write(content);
      sink.commit();
    } catch (IOException | RuntimeException e) {
      sink.abort();
      throw e;
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith(TEMP_PREFIX))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix))
          .forEach(keys::add);
    }
    return keys;
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return Files.newInputStream(path(key));
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(describe(key));
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }

  @Override
  public String describe(String key) {
    // The empty key names the store itself, as in messages about the whole store.
    return key.isEmpty() ? root.toString() : path(key).toString();
  }

  private Path path(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || key.isEmpty()) {
      throw new IllegalArgumentException("key outside the store: " + key);
    }
    return p;
  }

  private final class FileSink implements ObjectSink {
    private final String key;
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    private long size;

    FileSink(String key, Path target, Path temp, FileChannel channel) {
      this.key = key;
      this.target = target;
      this.temp = temp;
      this.channel = channel;
      OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
      this.out =
          new java.io.BufferedOutputStream(
              new java.io.FilterOutputStream(raw) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                  out.write(b, off, len);
                  size += len;
                }

                @Override
                public void close() {
                  // Closing the stream ends the data; the channel stays open until commit/abort.
                }
              },
              256 * 1024);
    }

    @Override
    public OutputStream stream() {
      return out;
    }

    @Override
    public StoredObject commit() throws IOException {
      try {
        out.flush();
        channel.force(true);
        channel.close();
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException(key);
      } finally {
        Files.deleteIfExists(temp);
      }
      syncDirectory(target.getParent());
      return new StoredObject(key, size, target.toString());
    }

    @Override
    public void abort() {
      try {
        channel.close();
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Best effort: a leftover hidden temporary file is ignored by list().
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be synced; the data itself was.
    }
  }
}
