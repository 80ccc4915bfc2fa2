package dev.neons3backup.cli;

import dev.neons3backup.io.Sizes;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Bytes done so far, shown as a one-line bar on the terminal. */
interface Progress extends LongConsumer, AutoCloseable {
  Progress NONE =
      new Progress() {
        @Override
        public void accept(long n) {}

        @Override
        public void close() {}
      };

  @Override
  void close();

  /** Redraws at most five times a second, from any thread. */
  final class Terminal implements Progress {
    private final PrintWriter err;
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private volatile long lastDraw;

    Terminal(PrintWriter err, String what, long total) {
      this.err = err;
      this.what = what;
      this.total = total;
    }

    @Override
    public void accept(long n) {
      long d = done.addAndGet(n);
      long now = System.nanoTime();
      if (now - lastDraw > 200_000_000L) {
        lastDraw = now;
        draw(d, now);
      }
    }

    private synchronized void draw(long d, long now) {
      double seconds = Math.max((now - start) / 1e9, 0.001);
      long rate = (long) (d / seconds);
      StringBuilder line = new StringBuilder("\r").append(what).append(' ');
      if (total > 0) {
        int width = 24;
        int filled = (int) Math.min(width, width * d / total);
        line.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
        line.append(Sizes.bytes(d)).append(" / ").append(Sizes.bytes(total));
        if (rate > 0 && d < total) {
          line.append(", ETA ").append((total - d) / rate).append(" s");
        }
      } else {
        line.append(Sizes.bytes(d));
      }
      line.append(", ").append(Sizes.bytes(rate)).append("/s   ");
      err.print(line);
      err.flush();
    }

    @Override
    public synchronized void close() {
      err.print("\r" + " ".repeat(78) + "\r");
      err.flush();
    }
  }
}
