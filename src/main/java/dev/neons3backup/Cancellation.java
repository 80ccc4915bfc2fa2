package dev.neons3backup;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops a run: once cancelled, no database starts, and every registered pg_dump is killed so the
 * jobs reading them end at once and abort their uploads.
 */
final class Cancellation {
  private final Set<Process> processes = ConcurrentHashMap.newKeySet();
  private volatile String reason;

  boolean isCancelled() {
    return reason != null;
  }

  String reason() {
    return reason;
  }

  void cancel(String why) {
    if (reason == null) {
      reason = why;
    }
    processes.forEach(Process::destroyForcibly);
  }

  void register(Process p) {
    processes.add(p);
    if (isCancelled()) {
      p.destroyForcibly();
    }
  }

  void unregister(Process p) {
    processes.remove(p);
  }
}
