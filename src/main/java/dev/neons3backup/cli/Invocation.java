package dev.neons3backup.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What one run of the command line is given besides its arguments: the environment variables
 * (interpreted by {@code Settings} alone) and the directory relative paths start from. A process
 * gets its own; tests run the CLI in-process with theirs.
 *
 * @param env the environment variables
 * @param workDir where relative paths ({@code file:./backups}, {@code --config FILE}) start; the
 *     empty path means the process's working directory, so paths stay as the user wrote them
 */
record Invocation(Map<String, String> env, Path workDir) {
  Invocation {
    env = Map.copyOf(env);
  }

  static Invocation ofProcess(Map<String, String> processEnv) {
    return new Invocation(processEnv, Path.of(""));
  }

  Path resolve(Path path) {
    return workDir.resolve(path);
  }
}
