package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Facts about the container image recipe that decide whether `sam build` works, checked here
 * because no Docker engine is reachable (scripts/image-test builds and runs the image where one
 * is). Each fact names its public source.
 */
class ImageRecipeTest {
  private static final Pattern PLATFORM = Pattern.compile("--platform=(\\S+)");
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern SILENCED =
      Pattern.compile("\\|\\|\\s*(true|:)(\\s|;|$)|2>\\s*/dev/null|&>\\s*/dev/null|>\\s*/dev/null");

  /**
   * What each base image is documented to carry (packages), with the sources:
   *
   * <ul>
   *   <li>amazonlinux:2023: dnf and rpm (AL2023 User Guide, "Building bare-bones AL2023 container
   *       images", runs both in it), bash and coreutils-single; not findutils
   *       (amazonlinux/amazon-linux-2023 issue 355).
   *   <li>lambda/java:21: AL2023 minimal with microdnf "symlinked as dnf" (AWS Lambda Developer
   *       Guide, "Deploy Java Lambda functions with container images"); bash, coreutils-single,
   *       grep, gawk, glibc, rpm in the `rpm -qa` of an AL2023 Lambda base image
   *       (amazonlinux/amazon-linux-2023 issue 585).
   *   <li>the Maven image: maven itself, bash, coreutils (its purpose; Docker Official Image
   *       "maven").
   * </ul>
   */
  private static final Map<String, Set<String>> BASE_PACKAGES =
      Map.of(
          "public.ecr.aws/amazonlinux/amazonlinux:2023",
          Set.of("bash", "coreutils-single", "dnf", "rpm"),
          "public.ecr.aws/lambda/java:21",
          Set.of("bash", "coreutils-single", "grep", "gawk", "glibc", "rpm", "microdnf"),
          "public.ecr.aws/docker/library/maven:3.9-amazoncorretto-21-al2023",
          Set.of("maven", "bash", "coreutils"));

  /** Which AL2023 packages provide each command the recipe may run. */
  private static final Map<String, Set<String>> PROVIDERS = providers();

  private final Dockerfile dockerfile = Dockerfile.parse(Project.read("Dockerfile"));

  private static Map<String, Set<String>> providers() {
    Map<String, Set<String>> p = new LinkedHashMap<>();
    Set<String> coreutils = Set.of("coreutils", "coreutils-single");
    for (String c :
        List.of("mktemp", "seq", "sort", "install", "cp", "mkdir", "rm", "cat", "tr", "ls")) {
      p.put(c, coreutils);
    }
    p.put("dnf", Set.of("dnf", "microdnf")); // microdnf is symlinked as dnf in Lambda's images
    p.put("rpm", Set.of("rpm"));
    p.put("rpm2cpio", Set.of("rpm"));
    p.put("cpio", Set.of("cpio"));
    p.put("grep", Set.of("grep"));
    p.put("sed", Set.of("sed"));
    p.put("find", Set.of("findutils"));
    p.put("xargs", Set.of("findutils"));
    p.put("mvn", Set.of("maven"));
    return Map.copyOf(p);
  }

  // ------------------------------------------------------------------ builders

  @Test
  void everyFromPlatformHasAValueOnTheClassicBuilder() {
    assertThat(platformsWithoutDefault(dockerfile)).isEmpty();
  }

  @Test
  void aBareBuildPlatformIsCaught() {
    Dockerfile bare = Dockerfile.parse("FROM --platform=$BUILDPLATFORM maven AS build\n");
    Dockerfile declared =
        Dockerfile.parse("ARG HOST=linux/arm64\nFROM --platform=${HOST} maven AS build\n");
    Dockerfile fallback = Dockerfile.parse("FROM --platform=${BUILDPLATFORM:-linux/arm64} m\n");
    assertThat(platformsWithoutDefault(bare)).containsExactly("BUILDPLATFORM");
    assertThat(platformsWithoutDefault(declared)).isEmpty();
    assertThat(platformsWithoutDefault(fallback)).isEmpty();
  }

  /** The Maven stage runs natively under BuildKit: its platform is BuildKit's BUILDPLATFORM. */
  @Test
  void theMavenStageFollowsBuildKitsBuildPlatform() {
    String from = dockerfile.stages().get(0).last("FROM");
    assertThat(from).contains("/maven:").endsWith("AS build");
    Matcher platform = PLATFORM.matcher(from);
    assertThat(platform.find()).isTrue();
    assertThat(platform.group(1)).isEqualTo("${BUILDPLATFORM:-linux/arm64}");
  }

  @Test
  void declaresNoSyntaxDirective() {
    assertThat(Project.read("Dockerfile").lines())
        .noneMatch(line -> line.replace(" ", "").toLowerCase().startsWith("#syntax="));
  }

  @Test
  void runsOnTheLambdaJava21ImageWithTheShadedJarOnItsClasspath() {
    Dockerfile runtime = dockerfile.finalStage();
    assertThat(runtime.last("FROM")).isEqualTo("public.ecr.aws/lambda/java:21");
    assertThat(runtime.all("COPY"))
        .anySatisfy(
            copy ->
                assertThat(copy)
                    .startsWith("--from=build ")
                    .endsWith("${LAMBDA_TASK_ROOT}/lib/neon-s3-backup.jar"));
  }

  // ------------------------------------------------------------------ failures are loud

  @Test
  void noFailureIsSilencedInTheRecipe() {
    Map<String, String> code = new LinkedHashMap<>();
    dockerfile.all("RUN").forEach(run -> code.put("Dockerfile RUN " + run, run));
    for (Path script : dockerScripts()) {
      code.put(Project.ROOT.relativize(script).toString(), withoutComments(read(script)));
    }
    assertThat(code)
        .allSatisfy((where, text) -> assertThat(silencedFailures(text)).as(where).isEmpty());
  }

  @Test
  void silencingPatternsAreRecognised() {
    assertThat(silencedFailures("find x -name y 2>/dev/null || true")).hasSize(2);
    assertThat(silencedFailures("cmd || :")).hasSize(1);
    assertThat(silencedFailures("cmd >/dev/null 2>&1")).hasSize(1);
    assertThat(silencedFailures("cmd || fail \"cmd failed\"")).isEmpty();
  }

  @Test
  void theClientsAreExtractedWithoutFind() {
    String script = Project.read("docker/extract-pg-clients.sh");
    assertThat(ShellCommands.of(script)).doesNotContain("find", "xargs");
    // A missing private libpq stops the build with a message naming the file and the package.
    assertThat(script).contains("not found in postgresql$major-private-libs");
  }

  // ------------------------------------------------------------------ commands and packages

  @Test
  void everyCommandAStageRunsComesFromAPackageItHas() {
    List<String> problems = new ArrayList<>();
    for (Dockerfile stage : dockerfile.stages()) {
      problems.addAll(unprovidedCommands(stage));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aCommandNoPackageOfTheStageProvidesIsCaught() {
    Dockerfile withFind =
        Dockerfile.parse(
            "FROM public.ecr.aws/amazonlinux/amazonlinux:2023 AS pg\n"
                + "RUN dnf -y install cpio && find / -name x\n");
    assertThat(unprovidedCommands(withFind.stages().get(0)))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("'find'")
        .contains("findutils");
    Dockerfile withFindutils =
        Dockerfile.parse(
            "FROM public.ecr.aws/amazonlinux/amazonlinux:2023 AS pg\n"
                + "RUN dnf -y install findutils && find / -name x\n");
    assertThat(unprovidedCommands(withFindutils.stages().get(0))).isEmpty();
  }

  @Test
  void theRuntimeStageInstallsOnlyWhatItsLoaderReportsMissing() {
    String script = Project.read("docker/install-runtime-libs.sh");
    assertThat(ShellCommands.of(script)).containsOnly("dnf");
    assertThat(script).contains("LD_TRACE_LOADED_OBJECTS=1").contains("not found");
    assertThat(Project.read("docker/extract-pg-clients.sh")).contains("*-minimal)");
  }

  // ------------------------------------------------------------------ context and config

  @Test
  void keepsBuildOutputAndLocalCachesOutOfTheBuildContext() {
    assertThat(Project.read(".dockerignore").lines().map(String::strip))
        .contains("target", ".cache", ".git", ".aws-sam");
  }

  @Test
  void samConfigEnablesBuildKitAndDeploysTheStackWithAnImageRepository() {
    Map<String, Map<String, String>> toml = toml(Project.read("samconfig.toml"));
    assertThat(toml.get("default.build.parameters")).containsEntry("use_buildkit", "true");
    assertThat(toml.get("default.deploy.parameters"))
        .containsEntry("stack_name", "\"neon-db-backup\"")
        .containsEntry("capabilities", "\"CAPABILITY_IAM\"")
        .containsEntry("resolve_image_repos", "true");
  }

  @Test
  void commitsNoPrebuiltBinaries() throws IOException {
    Set<String> skipped = Set.of(".git", "target", ".cache", "node_modules", ".aws-sam");
    try (Stream<Path> files = Files.walk(Project.ROOT)) {
      List<Path> binaries =
          files
              .filter(Files::isRegularFile)
              .filter(p -> Project.ROOT.relativize(p).getNameCount() > 0)
              .filter(p -> !skipped.contains(Project.ROOT.relativize(p).getName(0).toString()))
              .filter(ImageRecipeTest::isNativeBinary)
              .toList();
      assertThat(binaries).isEmpty();
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Variables in FROM --platform values that have no value on the classic builder: neither a
   * ${NAME:-fallback} nor a global ARG with a default. The classic builder defines no
   * BUILDPLATFORM/TARGETPLATFORM (moby builder/dockerfile/buildargs.go: only the proxy variables
   * are built in) and fails on an empty platform (dispatchers.go, initializeStage).
   */
  static List<String> platformsWithoutDefault(Dockerfile dockerfile) {
    Set<String> withDefault = new LinkedHashSet<>();
    for (String arg : dockerfile.globalArgs()) {
      String[] kv = arg.split("=", 2);
      if (kv.length == 2 && !kv[1].isBlank()) {
        withDefault.add(kv[0].strip());
      }
    }
    List<String> missing = new ArrayList<>();
    for (String from : dockerfile.all("FROM")) {
      Matcher platform = PLATFORM.matcher(from);
      if (!platform.find()) {
        continue;
      }
      Matcher variable = VARIABLE.matcher(platform.group(1));
      while (variable.find()) {
        String name = variable.group(1) != null ? variable.group(1) : variable.group(4);
        boolean fallback = variable.group(3) != null && !variable.group(3).isBlank();
        if (!fallback && !withDefault.contains(name)) {
          missing.add(name);
        }
      }
    }
    return missing;
  }

  static List<String> silencedFailures(String code) {
    List<String> found = new ArrayList<>();
    Matcher m = SILENCED.matcher(code);
    while (m.find()) {
      found.add(m.group().strip());
    }
    return found;
  }

  /** One line per command that neither the stage's base image nor its installs provide. */
  static List<String> unprovidedCommands(Dockerfile stage) {
    String base = stage.last("FROM").replaceFirst("^--platform=\\S+\\s+", "").split("\\s+")[0];
    Set<String> packages = new LinkedHashSet<>(BASE_PACKAGES.getOrDefault(base, Set.of()));
    Map<String, String> scripts = copiedScripts(stage);
    Map<String, Set<String>> commands = new LinkedHashMap<>();
    for (String run : stage.all("RUN")) {
      packages.addAll(installed(run));
      for (String command : ShellCommands.of(run)) {
        String script = scripts.get(command);
        if (script == null) {
          commands.computeIfAbsent(command, c -> new LinkedHashSet<>()).add("RUN");
        } else {
          for (String inner : ShellCommands.of(Project.read(script))) {
            commands.computeIfAbsent(inner, c -> new LinkedHashSet<>()).add(script);
          }
        }
      }
    }
    List<String> problems = new ArrayList<>();
    commands.forEach(
        (command, where) -> {
          Set<String> providers = PROVIDERS.get(command);
          if (providers == null) {
            problems.add(base + ": '" + command + "' (" + where + ") is not in the table");
          } else if (providers.stream().noneMatch(packages::contains)) {
            problems.add(
                base
                    + ": '"
                    + command
                    + "' ("
                    + where
                    + ") needs one of "
                    + providers
                    + "; the stage has "
                    + packages);
          }
        });
    return problems;
  }

  /** Packages a RUN installs with dnf/microdnf: the words after `install` that are not flags. */
  private static Set<String> installed(String run) {
    Set<String> packages = new LinkedHashSet<>();
    for (String part : run.split("&&|;|\\|\\|")) {
      List<String> words = List.of(part.strip().split("\\s+"));
      int install = words.indexOf("install");
      if (!words.isEmpty() && words.get(0).endsWith("dnf") && install > 0) {
        words.subList(install + 1, words.size()).stream()
            .filter(w -> !w.startsWith("-"))
            .forEach(packages::add);
      }
    }
    return packages;
  }

  /** Where a COPY of this stage put a script of the repository: destination -> source. */
  private static Map<String, String> copiedScripts(Dockerfile stage) {
    Map<String, String> scripts = new LinkedHashMap<>();
    for (String copy : stage.all("COPY")) {
      String[] words = copy.split("\\s+");
      if (words.length == 2 && words[0].endsWith(".sh")) {
        scripts.put(words[1], words[0]);
      }
    }
    return scripts;
  }

  private static List<Path> dockerScripts() {
    try (Stream<Path> files = Files.list(Project.ROOT.resolve("docker"))) {
      return files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String withoutComments(String script) {
    return String.join("\n", script.lines().filter(l -> !l.strip().startsWith("#")).toList());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Just enough TOML for samconfig: [section] headers and key = value lines, values raw. */
  static Map<String, Map<String, String>> toml(String text) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    String section = "";
    for (String line : text.split("\n")) {
      String code = line.strip();
      if (code.isEmpty() || code.startsWith("#")) {
        continue;
      }
      if (code.startsWith("[") && code.endsWith("]")) {
        section = code.substring(1, code.length() - 1).strip();
        continue;
      }
      String[] kv = code.split("=", 2);
      if (kv.length == 2) {
        sections
            .computeIfAbsent(section, s -> new LinkedHashMap<>())
            .put(kv[0].strip(), kv[1].strip());
      }
    }
    return sections;
  }

  private static boolean isNativeBinary(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".rpm") || name.endsWith(".deb") || name.matches(".*\\.so(\\.\\d+)*")) {
      return true;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4
          && magic[0] == 0x7f
          && magic[1] == 'E'
          && magic[2] == 'L'
          && magic[3] == 'F';
    } catch (IOException e) {
      throw new IllegalStateException(file.toString(), e);
    }
  }
}
