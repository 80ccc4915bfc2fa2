package dev.neons3backup.store;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

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
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw failure("create the directory", target.getParent(), e);
    }
    Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    try {
      FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return new FileSink(key, target, temp, channel);
    } catch (IOException e) {
      throw failure("write a file in", target.getParent(), e);
    }
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

  /**
   * Every file under the store whose key starts with {@code prefix}. Only the folder the prefix
   * names is walked ({@code orders/} walks {@code orders}, not the whole store). A store directory
   * that does not exist yet holds nothing (a fresh {@code file:./backups}); one that is a file, or
   * a part that cannot be read, is an error naming the path. A linked store directory is followed.
   */
  @Override
  public List<ListedKey> listWithTimes(String prefix) throws IOException {
    Path real = realRoot();
    if (real == null) {
      return List.of();
    }
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? real : real.resolve(prefix.substring(0, slash)).normalize();
    if (!start.startsWith(real)) {
      throw new IllegalArgumentException("prefix outside the store: " + prefix);
    }
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<ListedKey> keys = new ArrayList<>();
    try {
      // The walk hands over each file's attributes, so its time costs no second look at it.
      Files.walkFileTree(
          start,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              String key = real.relativize(file).toString().replace('\\', '/');
              if (attrs.isRegularFile()
                  && !file.getFileName().toString().startsWith(TEMP_PREFIX)
                  && key.startsWith(prefix)) {
                keys.add(new ListedKey(key, attrs.lastModifiedTime().toInstant()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              // Read from its directory, then gone before the walk looked at it: a backup beside
              // this listing published its object and removed its temporary file, or a prune
              // removed a backup. Not there, as S3 would not list it; anything else still fails.
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }
          });
    } catch (IOException e) {
      throw failure("read the directory", e);
    }
    return keys;
  }

  /** The store directory's folders, read from the directory itself (nothing inside is walked). */
  @Override
  public SortedSet<String> folders() throws IOException {
    SortedSet<String> names = new TreeSet<>();
    Path real = realRoot();
    if (real == null) {
      return names;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          names.add(entry.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw failure("read the directory", real, e);
    }
    return names;
  }

  /**
   * The store directory's real path (a linked one followed), or null while it does not exist; an
   * error naming it when it is a file or a link to nothing.
   */
  private Path realRoot() throws IOException {
    if (!Files.exists(root)) {
      if (Files.isSymbolicLink(root)) {
        // Most often a disk not mounted: as an empty store, one that lost every backup would read
        // as one that never had any. A backup cannot create the directory through it either.
        throw new IOException(
            "cannot list "
                + root
                + ": it is a link to "
                + Files.readSymbolicLink(root)
                + ", which does not exist (a disk not mounted?); mount or create it, or point"
                + " --store at a directory");
      }
      return null;
    }
    if (!Files.isDirectory(root)) {
      throw new IOException(
          "cannot list " + root + ": it is a file, not a directory; point --store at a directory");
    }
    return root.toRealPath();
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return Files.newInputStream(path(key));
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(describe(key));
    } catch (IOException e) {
      throw failure("read", path(key), e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      Files.deleteIfExists(path(key));
    } catch (IOException e) {
      throw failure("delete", path(key), e);
    }
  }

  /** The file of {@code key}; the store's directory itself for the empty key. */
  @Override
  public String describe(String key) {
    // The empty key names the store itself, as in messages about the whole store.
    return key.isEmpty() ? root.toString() : path(key).toString();
  }

  private static IOException failure(String operation, IOException e) {
    Path path =
        Path.of(e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : "?");
    return failure(operation, path, e);
  }

  /**
   * One line: what could not be done to which path, why, and what to do — {@code
   * AccessDeniedException}'s own message is only the path.
   */
  private static IOException failure(String operation, Path path, IOException e) {
    String why;
    String todo;
    if (e instanceof AccessDeniedException) {
      why = "permission denied";
      todo = "give the user running neon-s3-backup access to it, or use another --store";
    } else if (e instanceof FileAlreadyExistsException
        || e instanceof NotDirectoryException
        || (e instanceof FileSystemException f && "Not a directory".equals(f.getReason()))) {
      why = "a file is in the way of a directory";
      todo = "move that file away, or use another --store";
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      why = f.getReason();
      todo = "fix the file system (space, read-only mount, permissions), or use another --store";
    } else {
      why = String.valueOf(e.getMessage());
      todo = "check the store directory (free space, permissions), or use another --store";
    }
    return new IOException("cannot " + operation + " " + path + " (" + why + "): " + todo, e);
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
      OutputStream raw = Channels.newOutputStream(channel);
      this.out =
          new BufferedOutputStream(
              new FilterOutputStream(raw) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                  try {
                    out.write(b, off, len);
                  } catch (IOException e) {
                    throw failure("write", temp, e);
                  }
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
      } catch (IOException e) {
        throw failure("write", target, e);
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
