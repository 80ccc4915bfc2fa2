package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.json.Json;
import dev.neons3backup.testing.PostgresCluster;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code status --html} page opened in headless Chromium (Debian's package): it renders, draws
 * one chart per database, passes over a folder named like markup (no database may have that name),
 * and shows a drill's reason written as markup as text, never run. The screenshot is kept as
 * target/status-page.png. Skips only off CI when Chromium is not installed.
 */
class StatusPageChromiumIT {
  private static final PostgresCluster PG = PostgresCluster.shared();

  /** Would mark the page if the browser ran it: the name must stay text. */
  private static final String HOSTILE = "<img src=x onerror=document.body.dataset.pwned=1>";

  @TempDir Path work;

  @Test
  void thePageRendersInChromiumWithOneChartPerDatabaseAndNoInjectedMarkup() throws Exception {
    Path chromium = chromium();
    String db = "page_" + UUID.randomUUID().toString().substring(0, 8);
    PG.createDatabase(db);
    PG.psql(
        db,
        "CREATE TABLE t AS SELECT g AS id, repeat('x', 40) AS pad FROM generate_series(1, 2000) g");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 3; i >= 1; i--) {
      backup(db, "orders", now.minus(Duration.ofHours(24L * i)));
      backup(db, "billing", now.minus(Duration.ofHours(24L * i - 2)));
      PG.psql(db, "INSERT INTO t SELECT g, 'y' FROM generate_series(1, 1500) g");
    }
    // A folder no database may be named is passed over (status reads only names backups can
    // have); hostile text still reaches the page, through a drill record's reason.
    hostileDatabase(now.minus(Duration.ofHours(5)));
    hostileDrillReason();

    Result status = CliInProcess.run(work, Map.of(), "status", "--html", "status.html");
    assertThat(status.exit()).as(status.all()).isEqualTo(3); // nothing verified yet
    Path page = work.resolve("status.html");

    String dom = run(chromium, "--dump-dom", page.toUri().toString());
    assertThat(count(dom, "<svg class=\"chart\"")).isEqualTo(2);
    assertThat(count(dom, "<section class=\"database")).isEqualTo(2);
    assertThat(dom)
        .contains("&lt;img src=x onerror=")
        .doesNotContain("data-pwned")
        .doesNotContain("<img");
    assertThat(count(dom, "<polyline class=\"raw\"")).isEqualTo(2);

    Path shot = Path.of("target", "status-page.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    run(chromium, "--screenshot=" + shot, "--window-size=900,1300", page.toUri().toString());
    assertThat(shot).isNotEmptyFile();
  }

  private void backup(String db, String name, Instant at) {
    Result r =
        CliInProcess.run(
            work,
            Map.of(),
            "backup",
            "--url",
            PG.url(db),
            "--name",
            name,
            "--at",
            KeyTime.format(at));
    assertThat(r.exit()).as(r.all()).isZero();
  }

  /** Written by hand: --name refuses such a name, but a store may hold any folder. */
  /** A failed drill of orders' newest backup whose recorded reason is markup. */
  private void hostileDrillReason() throws Exception {
    Path orders = work.resolve("backups").resolve("orders");
    String newest;
    try (var files = Files.list(orders)) {
      newest =
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.endsWith(".sql.gz"))
              .max(String::compareTo)
              .orElseThrow();
    }
    String at = Instant.now().toString();
    DrillRecord record =
        new DrillRecord(
            DrillRecord.FORMAT_VERSION,
            "orders",
            "orders/" + newest,
            at,
            at,
            1000,
            DrillRecord.FAILED,
            HOSTILE,
            "127.0.0.1/scratch",
            "15",
            "15",
            "15",
            1,
            1,
            Map.of(),
            Map.of(),
            List.of());
    Files.write(orders.resolve(newest + ".drill.json"), Json.bytes(record));
  }

  private void hostileDatabase(Instant at) throws Exception {
    Path dir = Files.createDirectories(work.resolve("backups").resolve(HOSTILE));
    String stamp = KeyTime.format(at);
    Files.writeString(dir.resolve(stamp + ".sql.gz"), "x");
    Files.writeString(
        dir.resolve(stamp + ".sql.gz.manifest.json"),
        "{\"key\": \""
            + HOSTILE.replace("\"", "\\\"")
            + "/"
            + stamp
            + ".sql.gz\", \"storedBytes\": 1, \"rawBytes\": 10, \"totalRows\": 1,"
            + " \"tables\": {}, \"sha256\": \""
            + "0".repeat(64)
            + "\"}");
  }

  /** Headless Chromium on the page; its stdout. Bounded: a hung browser fails the test. */
  private String run(Path chromium, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--user-data-dir=" + work.resolve("chromium-profile")));
    command.addAll(List.of(args));
    Path out = work.resolve("chromium.out");
    Path err = work.resolve("chromium.err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    int exit =
        assertTimeoutPreemptively(
            Duration.ofSeconds(120),
            () -> {
              if (!p.waitFor(110, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish");
              }
              return p.exitValue();
            });
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(exit).as(stderr).isZero();
    // Chromium logs a page's uncaught script errors to stderr; the page has no script at all.
    assertThat(stderr).doesNotContain("Uncaught");
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static int count(String text, String what) {
    return text.split(Pattern.quote(what), -1).length - 1;
  }

  /** Chromium from PATH; its absence fails the test (scripts/test and .ci/run install it). */
  private static Path chromium() {
    Optional<Path> found =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .flatMap(dir -> Stream.of("chromium", "chromium-browser").map(n -> Path.of(dir, n)))
            .filter(Files::isExecutable)
            .findFirst();
    assertThat(found)
        .as("chromium is not installed: apt-get install chromium (scripts/test installs it)")
        .isPresent();
    return found.get();
  }
}
