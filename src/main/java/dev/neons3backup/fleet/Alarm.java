package dev.neons3backup.fleet;

import java.io.IOException;

/** Where accounting sends the one message naming the missing databases of a run. */
@FunctionalInterface
public interface Alarm {
  void publish(String subject, String message) throws IOException;
}
