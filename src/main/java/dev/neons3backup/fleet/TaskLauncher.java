package dev.neons3backup.fleet;

import java.io.IOException;

/**
 * Starts the backup of one work item outside Lambda (a database too big for its 15 minutes), for
 * example as an ECS Fargate task running the image's CLI ({@link FargateLauncher}).
 */
public interface TaskLauncher {
  /** Starts the item's backup and returns the started task's id; a one-line error otherwise. */
  String launch(WorkItem item) throws IOException;
}
