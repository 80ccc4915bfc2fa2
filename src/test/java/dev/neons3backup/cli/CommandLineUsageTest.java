package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.cli.CliProcess.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user tries first, run in-process: help, global options, usage errors, version. */
class CommandLineUsageTest {
  private static final List<String> COMMANDS =
      List.of("backup", "list", "restore", "verify", "prune");

  @TempDir Path work;

  private Result cli(String... args) {
    return CliInProcess.run(work, Map.of(), args);
  }

  @Test
  void everyCommandAnswersHelpAndH() {
    for (String flag : List.of("--help", "-h")) {
      Result top = cli(flag);
      assertThat(top.exit()).as(flag + ": " + top.all()).isZero();
      assertThat(top.out()).startsWith("Usage: neon-s3-backup ").contains("Exit codes:");
      assertThat(top.err()).isEmpty();
      for (String command : COMMANDS) {
        Result r = cli(command, flag);
        assertThat(r.exit()).as(command + " " + flag + ": " + r.all()).isZero();
        assertThat(r.out()).startsWith("Usage: neon-s3-backup " + command + " ");
        assertThat(r.err()).as(command + " " + flag).isEmpty();
      }
    }
  }

  @Test
  void helpIsAnsweredEvenWhenRequiredOptionsAreMissing() {
    Result restore = cli("restore", "--name", "shop", "--help");
    assertThat(restore.exit()).as(restore.all()).isZero();
    assertThat(restore.out()).contains("--target-url");
    Result prune = cli("prune", "-h");
    assertThat(prune.exit()).as(prune.all()).isZero();
    assertThat(prune.out()).contains("--keep-last");
    Result viaHelp = cli("help", "backup");
    assertThat(viaHelp.exit()).isZero();
    assertThat(viaHelp.out()).startsWith("Usage: neon-s3-backup backup ");
  }

  @Test
  void globalOptionsWorkBeforeOrAfterTheCommand() {
    String store = "file:" + work.resolve("store");
    for (List<String> args :
        List.of(
            List.of("--json", "list", "--store", store),
            List.of("--store", store, "list", "--json"),
            List.of("--json", "--store", store, "--quiet", "-v", "list"),
            List.of("list", "-q", "--verbose", "--json", "--store", store))) {
      Result r = cli(args.toArray(String[]::new));
      assertThat(r.exit()).as(args + ": " + r.all()).isZero();
      assertThat(r.out().strip()).as(args.toString()).isEqualTo("[ ]");
    }
    Result text = cli("--store", store, "list");
    assertThat(text.out()).startsWith("No backups in " + store);
  }

  @Test
  void usageErrorsNameTheProgramOnceAndTheCommandWhereItWasWrong() {
    Result top = cli("--no-such-option");
    assertThat(top.exit()).isEqualTo(2);
    assertThat(top.err())
        .contains("Unknown option: '--no-such-option'")
        .contains("(see: neon-s3-backup --help)")
        .doesNotContain("neon-s3-backup neon-s3-backup");
    Result sub = cli("backup", "--no-such-option");
    assertThat(sub.exit()).isEqualTo(2);
    assertThat(sub.err()).contains("(see: neon-s3-backup backup --help)");
  }

  @Test
  void noCommandIsAUsageErrorThatPointsToHelp() {
    Result r = cli();
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains("no command given").contains("(see: neon-s3-backup --help)");
  }

  @Test
  void versionIsTheProjectsVersion() throws IOException {
    for (String flag : List.of("--version", "-V")) {
      Result r = cli(flag);
      assertThat(r.exit()).isZero();
      assertThat(r.out().strip()).isEqualTo("neon-s3-backup " + pomVersion());
    }
  }

  /** The project's version as the pom states it (the test runs in the project's directory). */
  static String pomVersion() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher m =
        Pattern.compile("<artifactId>neon-s3-backup</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(m.find()).as("the pom's version").isTrue();
    return m.group(1);
  }
}
