package dev.neons3backup;

/** How much time a run has left; a Lambda invocation has a hard end, a CLI run none. */
@FunctionalInterface
public interface Deadline {
  Deadline NONE = () -> Long.MAX_VALUE;

  long remainingMillis();
}
