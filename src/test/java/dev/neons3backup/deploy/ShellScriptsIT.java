package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shell script in the repository passes ShellCheck (Debian's package `shellcheck`, which
 * scripts/test and .ci/run install). Without shellcheck the test fails; it never skips.
 */
class ShellScriptsIT {
  private static final Set<String> SKIPPED = Set.of(".git", "target", ".cache", "node_modules");

  @Test
  void everyShellScriptPassesShellCheck() throws Exception {
    List<Path> scripts = shellScripts();
    assertThat(scripts)
        .extracting(p -> Project.ROOT.relativize(p).toString())
        .contains(
            "docker/extract-pg-clients.sh",
            "docker/install-runtime-libs.sh",
            ".ci/run",
            "scripts/test",
            "scripts/image-test",
            "bench/run");
    List<String> command = new ArrayList<>(List.of("shellcheck", "--format=gcc"));
    scripts.forEach(p -> command.add(Project.ROOT.relativize(p).toString()));
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(Project.ROOT.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "shellcheck is not installed: install Debian's package shellcheck (scripts/test does)",
          e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("shellcheck finished").isTrue();
    assertThat(output).as("shellcheck findings").isEmpty();
    assertThat(process.exitValue()).isZero();
  }

  /** Files named *.sh or starting with a sh/bash shebang. */
  static List<Path> shellScripts() throws IOException {
    try (Stream<Path> files = Files.walk(Project.ROOT)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !SKIPPED.contains(Project.ROOT.relativize(p).getName(0).toString()))
          .filter(p -> p.toString().endsWith(".sh") || hasShellShebang(p))
          .sorted()
          .toList();
    }
  }

  private static boolean hasShellShebang(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String first = in.readLine();
      return first != null && first.startsWith("#!") && first.matches("#!.*\\b(ba)?sh\\b.*");
    } catch (IOException e) {
      throw new IllegalStateException(file.toString(), e);
    }
  }
}
