package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What scripts/demo and scripts/test print into a log: plain text (no escape codes when the output
 * is not a terminal), no download lines from Maven, and a word on what a long build is doing. Each
 * script runs from a copy of the repository's layout, with a stand-in `mvn` that records its
 * arguments; the demo then runs for real with the jar the build made.
 */
class ScriptOutputIT {
  @TempDir Path root;

  @Test
  void theDemoIsPlainTextWhenPipedAndSaysWhatTheBuildIsDoing() throws Exception {
    copyScript("demo");
    Path jar = Path.of(System.getProperty("project.jar", "target/neon-s3-backup.jar"));
    Files.createDirectories(root.resolve("target"));
    Files.copy(jar, root.resolve("target/neon-s3-backup.jar"));
    String output = run("scripts/demo");
    assertThat(output)
        .contains("== Building the jar with Maven")
        .contains("The first run downloads Maven's plugins")
        .contains("== backup")
        .contains("orders     original  50000   restored  50000   match")
        .doesNotContain("\u001b");
    assertThat(mavenArguments()).contains("-Dstyle.color=never", "-ntp", "package");
  }

  @Test
  void scriptsTestRunsMavenWithoutDownloadLinesOrColoursInALog() throws Exception {
    copyScript("test");
    String output = run("scripts/test");
    assertThat(output).contains("[INFO] built").doesNotContain("\u001b");
    assertThat(mavenArguments()).isEqualTo("-B -ntp -Dstyle.color=never verify");
  }

  private void copyScript(String name) throws IOException {
    Path scripts = Files.createDirectories(root.resolve("scripts"));
    Files.copy(Project.file("scripts/" + name), scripts.resolve(name));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path mvn = bin.resolve("mvn");
    // Like Maven 3.8, it writes reset codes to stdout and stderr even with colours off.
    Files.writeString(
        mvn,
        "#!/bin/sh\necho \"$*\" > "
            + root.resolve("mvn.args")
            + "\nprintf '\\033[0m\\033[0m[INFO] built\\n\\033[0m\\033[0m'\n"
            + "printf '\\033[0m' >&2\n");
    assertThat(mvn.toFile().setExecutable(true)).isTrue();
  }

  /** Runs a script with its output piped, as in CI or `… | tee log`; returns what it printed. */
  private String run(String script) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(List.of("bash", root.resolve(script).toString()))
            .directory(root.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet()
        .removeIf(k -> k.startsWith("AWS_") || k.equals("S3_BUCKET") || k.equals("NO_COLOR"));
    env.put("PATH", root.resolve("bin") + ":" + env.get("PATH"));
    env.put("TERM", "xterm-256color");
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the script finished").isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  private String mavenArguments() throws IOException {
    return Files.readString(root.resolve("mvn.args")).strip();
  }
}
