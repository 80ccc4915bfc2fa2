package dev.neons3backup.pg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Drains a process's stderr on a reader thread, so the process never blocks on a full pipe, and
 * keeps the last lines for the error message. Each line is also handed to a logger.
 */
final class StderrTail {
  private static final int KEEP_LINES = 20;

  private final Deque<String> lines = new ArrayDeque<>();
  private final FutureTask<Void> drained;

  private StderrTail(InputStream stderr, Consumer<String> log) {
    drained = new FutureTask<>(() -> drain(stderr, log), null);
  }

  static StderrTail start(Process process, Consumer<String> log, Executor readers) {
    StderrTail tail = new StderrTail(process.getErrorStream(), log);
    readers.execute(tail.drained);
    return tail;
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

  /**
   * Waits (bounded: a grandchild may hold the pipe open) for the drain to reach the end of the
   * stream, then returns the tail, lines joined by " | ".
   */
  String text() {
    try {
      drained.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // What was read so far is the tail.
    }
    synchronized (lines) {
      return String.join(" | ", lines);
    }
  }
}
