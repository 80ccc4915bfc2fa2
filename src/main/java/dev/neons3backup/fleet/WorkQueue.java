package dev.neons3backup.fleet;

import java.io.IOException;
import java.util.List;

/** Where the dispatcher sends work items: the fleet's SQS queue. */
public interface WorkQueue {
  /** The most items one {@link #send} takes (SendMessageBatch's limit). */
  int BATCH = 10;

  /** Sends every item of {@code items} (at most {@link #BATCH}), or throws. */
  void send(List<WorkItem> items) throws IOException;
}
