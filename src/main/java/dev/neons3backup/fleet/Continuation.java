package dev.neons3backup.fleet;

import java.io.IOException;
import java.time.Instant;

/**
 * Asks for another invocation of the dispatcher to plan part {@code part} of the run: Neon
 * discovery outlasted this one, and the next goes on from where it stopped.
 */
public interface Continuation {
  void request(Instant run, int part) throws IOException;
}
