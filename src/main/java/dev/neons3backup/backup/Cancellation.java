package dev.neons3backup.backup;

import dev.neons3backup.BackupResult.Status;
import dev.neons3backup.Deadline;
import dev.neons3backup.pg.PgRun;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Stops a run: once cancelled, no database starts, every registered pg_dump (and whatever it
 * started) is killed, and every worker is interrupted, so the jobs end at once and abort their
 * uploads. The deadline is asked synchronously by whoever is about to start work ({@link
 * #outOfTime()}), so a run that begins with too little time left starts nothing whatever the
 * watchdog thread's scheduling.
 */
public final class Cancellation {
  private static final Logger LOG = LogManager.getLogger(Cancellation.class);

  private final Set<PgRun> runs = ConcurrentHashMap.newKeySet();
  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
  private final Deadline deadline;
  private final long marginMillis;
  private volatile String reason;
  private volatile Status status = Status.TIMED_OUT;

  public Cancellation() {
    this(Deadline.NONE, Duration.ZERO);
  }

  public Cancellation(Deadline deadline, Duration margin) {
    this.deadline = deadline;
    this.marginMillis = margin.toMillis();
  }

  public boolean isCancelled() {
    return reason != null;
  }

  /** Asks the deadline now; cancels the run when less than the margin is left. */
  public boolean outOfTime() {
    if (!isCancelled()) {
      long left = deadline.remainingMillis();
      if (left < marginMillis
          && cancel(
              Status.TIMED_OUT,
              "the invocation was running out of time (" + left / 1000 + " s left)")) {
        LOG.warn("{} ms left before the invocation's deadline: stopping the run", left);
      }
    }
    return isCancelled();
  }

  public String reason() {
    return reason;
  }

  /** What a database stopped by this cancellation is reported as. */
  public Status status() {
    return status;
  }

  public void cancel(String why) {
    cancel(Status.TIMED_OUT, why);
  }

  /** Returns whether this call was the one that cancelled the run. */
  public synchronized boolean cancel(Status as, String why) {
    boolean first = reason == null;
    if (first) {
      status = as;
      reason = why;
    }
    runs.forEach(PgRun::kill);
    workers.forEach(Thread::interrupt);
    return first;
  }

  public void register(PgRun run) {
    runs.add(run);
    if (isCancelled()) {
      run.kill();
    }
  }

  public void unregister(PgRun run) {
    runs.remove(run);
  }

  /** The calling thread works for this run until {@link #leave()}; a cancel interrupts it. */
  public void enter() {
    workers.add(Thread.currentThread());
  }

  /** Ends {@link #enter()}, clearing an interrupt meant for the work that just ended. */
  public synchronized void leave() {
    workers.remove(Thread.currentThread());
    Thread.interrupted();
  }
}
