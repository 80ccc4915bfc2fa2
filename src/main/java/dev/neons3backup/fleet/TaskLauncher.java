package dev.neons3backup.fleet;

public interface TaskLauncher {
  String launch(WorkItem item) throws java.io.IOException;
}
