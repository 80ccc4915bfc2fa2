package dev.neons3backup.io;

import dev.neons3backup.concurrent.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import software.amazon.awssdk.http.Abortable;

/**
 * Reads a stream ahead on its own thread, a few chunks at most, so that fetching a stored object
 * (network, the store's own work) overlaps with what the reader does with the bytes (inflating,
 * feeding psql) instead of alternating with it. Memory: {@code chunks × chunkSize}.
 */
final class ReadAhead extends InputStream {
  private static final byte[] END = new byte[0];

  private final InputStream source;
  private final BlockingQueue<byte[]> queue;
  private final Thread thread;
  private volatile IOException failure;
  private volatile boolean closed;
  private byte[] chunk = new byte[0];
  private int pos;
  private boolean ended;

  ReadAhead(InputStream source, int chunks, int chunkSize) {
    this.source = source;
    this.queue = new ArrayBlockingQueue<>(chunks);
    this.thread = Threads.start("read-ahead", () -> fill(chunkSize));
  }

  private void fill(int chunkSize) {
    try {
      while (!closed) {
        byte[] buf = source.readNBytes(chunkSize);
        if (buf.length == 0) {
          break;
        }
        queue.put(buf);
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos == chunk.length) {
      if (ended) {
        return -1;
      }
      try {
        chunk = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading", e);
      }
      pos = 0;
      if (chunk == END) {
        ended = true;
        if (failure != null) {
          throw failure;
        }
      }
    }
    int n = Math.min(len, chunk.length - pos);
    System.arraycopy(chunk, pos, b, off, n);
    pos += n;
    return n;
  }

  /**
   * Stops reading. A source not read to its end is aborted when it can be: closing an S3 response
   * early would read the rest of the object first, to reuse the connection.
   */
  @Override
  public void close() throws IOException {
    closed = true;
    thread.interrupt();
    queue.clear();
    if (!ended && source instanceof Abortable abortable) {
      abortable.abort();
    }
    source.close();
  }
}
