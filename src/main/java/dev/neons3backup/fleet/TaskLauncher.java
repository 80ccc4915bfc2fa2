package dev.neons3backup.fleet;

import java.io.IOException;

public interface TaskLauncher {
  String launch(WorkItem item) throws IOException;
}
