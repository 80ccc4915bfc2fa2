package dev.neons3backup.pg;

import dev.neons3backup.concurrent.Threads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Drains a process's stderr on its own thread, so the process never blocks on a full pipe, and
 * keeps the last lines for the error message. Each line is also handed to a logger.
 */
public final class StderrTail {
  private static final int KEEP_LINES = 20;

  private final Deque<String> lines = new ArrayDeque<>();
  private final Thread thread;

  private StderrTail(InputStream stderr, Consumer<String> log, String name) {
    thread = Threads.start(name, () -> drain(stderr, log));
  }

  public static StderrTail start(Process process, Consumer<String> log, String name) {
    return new StderrTail(process.getErrorStream(), log, name);
  }

  private void drain(InputStream in, Consumer<String> log) {
    try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        log.accept(line);
        synchronized (lines) {
          lines.addLast(line);
          if (lines.size() > KEEP_LINES) {
            lines.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The process is gone; what was read is what there is.
    }
  }

  /** Waits (bounded) for the drain to reach the end of the stream, then returns the tail. */
  public String text() {
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lines) {
      return String.join(" | ", lines);
    }
  }
}
