package dev.neons3backup.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A function run the way Lambda runs it: a child JVM whose main class is the AWS Lambda Java
 * runtime interface client (the RIC), given the handler string, talking HTTP to a {@link
 * LambdaRuntimeEmulator}, with a clean Lambda-like environment.
 *
 * <p>{@link Layout#TASK_ROOT} (the default) mirrors the {@code public.ecr.aws/lambda/java} image
 * and our Dockerfile: the RIC and its libraries on the JVM's classpath (/var/runtime/lib there),
 * the function's shaded jar in {@code $LAMBDA_TASK_ROOT/lib/}, loaded by the RIC's own class loader
 * (whose parent is the system class loader, so the runtime's aws-lambda-java-core wins), and that
 * loader set as the thread context class loader. {@link Layout#CLASSPATH} puts the function jar on
 * the JVM's classpath instead.
 *
 * <p>Everything a run leaves is under {@code target/lambda-runs/<name>-<time>-<pid>-<n>/}: {@code
 * output.log} (stdout and stderr, where the handler's JSON log lines and EMF metric lines go),
 * {@code command.txt}, the task root, the default temporary directory and the extracted JNI
 * library.
 */
public final class LambdaProcess implements AutoCloseable {
  public static final String BACKUP_HANDLER =
      "dev.neons3backup.lambda.BackupHandler::handleRequest";
  public static final String RIC_MAIN =
      "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  /**
   * The RIC unpacks its JNI client to the fixed path /tmp/.libaws-lambda-jni.so unless this
   * property names a library; concurrent runtimes would overwrite each other's copy, so each run
   * gets its own.
   */
  static final String JNI_PROPERTY =
      "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

  /** The jars the RIC needs at run time: itself and its pom's compile dependencies. */
  private static final List<String> RUNTIME_ARTIFACTS =
      List.of(
          "aws-lambda-java-runtime-interface-client",
          "aws-lambda-java-core",
          "aws-lambda-java-serialization",
          "utils-lite");

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the function's jar goes. */
  public enum Layout {
    TASK_ROOT,
    CLASSPATH
  }

  private final LambdaRuntimeEmulator runtime;
  private final Process process;
  private final List<String> command;
  private final Path runDir;
  private final Path logFile;
  private final long startedNanos;

  private LambdaProcess(
      LambdaRuntimeEmulator runtime,
      Process process,
      List<String> command,
      Path runDir,
      Path logFile,
      long startedNanos) {
    this.runtime = runtime;
    this.process = process;
    this.command = command;
    this.runDir = runDir;
    this.logFile = logFile;
    this.startedNanos = startedNanos;
  }

  public static Builder builder(LambdaRuntimeEmulator runtime) {
    return new Builder(runtime);
  }

  /** Options of a run; every one has a default that works for {@link #BACKUP_HANDLER}. */
  public static final class Builder {
    private final LambdaRuntimeEmulator runtime;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private String handler = BACKUP_HANDLER;
    private Path functionJar =
        Path.of(System.getProperty("project.jar", "target/neon-s3-backup.jar"));
    private Layout layout = Layout.TASK_ROOT;
    private String maxHeap;
    private int memorySizeMb = 1024;
    private Path tmpDir;
    private String name = "lambda";

    private Builder(LambdaRuntimeEmulator runtime) {
      this.runtime = runtime;
    }

    /** The handler string, {@code class::method} or {@code class}; default the backup handler. */
    public Builder handler(String handler) {
      this.handler = handler;
      return this;
    }

    /** The shaded function jar; default the system property {@code project.jar}. */
    public Builder functionJar(Path jar) {
      this.functionJar = jar;
      return this;
    }

    public Builder layout(Layout layout) {
      this.layout = layout;
      return this;
    }

    /** A function environment variable; overrides the Lambda defaults of the same name. */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /** {@code -Xmx}, e.g. {@code "128m"}; default: the JVM's own choice. */
    public Builder maxHeap(String size) {
      this.maxHeap = size;
      return this;
    }

    /** {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} (what Context reports); default 1024. */
    public Builder memorySizeMb(int mb) {
      this.memorySizeMb = mb;
      return this;
    }

    /** {@code java.io.tmpdir} and {@code TMPDIR} (Lambda's /tmp); default a fresh run directory. */
    public Builder tmpDir(Path dir) {
      this.tmpDir = dir;
      return this;
    }

    /** More JVM options, after the defaults. */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /** Names the run directory under target/lambda-runs/, e.g. after the test. */
    public Builder name(String name) {
      this.name = name.replaceAll("[^A-Za-z0-9._-]", "_");
      return this;
    }

    /** Starts the runtime; it asks the emulator for work as soon as the handler is loaded. */
    public LambdaProcess start() {
      Orphans.reap();
      Path jar = functionJar.toAbsolutePath();
      if (!Files.isRegularFile(jar)) {
        throw new AssertionError(
            "function jar " + jar + " is missing; run mvn package -DskipTests first");
      }
      Path runDir = newRunDir(name);
      Path taskRoot = mkdirs(runDir.resolve("task"));
      Path tmp = mkdirs(tmpDir == null ? runDir.resolve("tmp") : tmpDir.toAbsolutePath());
      Path home = mkdirs(runDir.resolve("home"));
      Path jni = extractJni(mkdirs(runDir.resolve("jni")));
      List<String> classpath = new ArrayList<>(runtimeClasspath());
      if (layout == Layout.TASK_ROOT) {
        copyJar(jar, mkdirs(taskRoot.resolve("lib")).resolve(jar.getFileName()));
      } else {
        classpath.add(0, jar.toString());
      }

      List<String> argv = new ArrayList<>();
      argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      if (maxHeap != null) {
        argv.add("-Xmx" + maxHeap);
      }
      // What the Lambda Java runtimes start with: fast start-up over peak throughput.
      argv.add("-XX:+UseSerialGC");
      argv.add("-XX:TieredStopAtLevel=1");
      argv.add("-Djava.io.tmpdir=" + tmp);
      argv.add("-D" + JNI_PROPERTY + "=" + jni);
      argv.addAll(jvmArgs);
      argv.add("-cp");
      argv.add(String.join(File.pathSeparator, classpath));
      argv.add(RIC_MAIN);
      argv.add(handler); // RIC 2.9.0 reads the handler from args[0], not from _HANDLER

      ProcessBuilder pb = new ProcessBuilder(argv).directory(taskRoot.toFile());
      Map<String, String> childEnv = pb.environment();
      childEnv.clear(); // nothing of the developer's AWS profile or PG* variables leaks in
      childEnv.putAll(lambdaEnvironment(taskRoot, tmp, home));
      childEnv.putAll(env);
      Path logFile = runDir.resolve("output.log");
      writeCommand(runDir.resolve("command.txt"), argv);
      pb.redirectErrorStream(true)
          .redirectOutput(Redirect.to(logFile.toFile()))
          .redirectInput(Redirect.from(new File("/dev/null")));
      long started = System.nanoTime();
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + argv, e);
      }
      Orphans.register(process.pid(), jni.toString(), jni.getParent());
      LambdaProcess lambda =
          new LambdaProcess(runtime, process, List.copyOf(argv), runDir, logFile, started);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(lambda::close, "stop-lambda-" + process.pid()));
      runtime.attach(process, lambda::diagnostics);
      return lambda;
    }

    private Map<String, String> lambdaEnvironment(Path taskRoot, Path tmp, Path home) {
      String function = runtime.functionName();
      Map<String, String> e = new LinkedHashMap<>();
      e.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
      e.put("LANG", "C.UTF-8");
      e.put("TZ", ":UTC");
      e.put("HOME", home.toString()); // no ~/.aws, no ~/.pgpass of the developer
      e.put("TMPDIR", tmp.toString());
      e.put("AWS_LAMBDA_RUNTIME_API", runtime.address());
      e.put("AWS_LAMBDA_FUNCTION_NAME", function);
      e.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
      e.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memorySizeMb));
      e.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function);
      e.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/[$LATEST]" + runDir(taskRoot));
      e.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
      e.put("AWS_EXECUTION_ENV", "AWS_Lambda_java" + Runtime.version().feature());
      e.put("AWS_REGION", LambdaRuntimeEmulator.REGION);
      e.put("AWS_DEFAULT_REGION", LambdaRuntimeEmulator.REGION);
      e.put("AWS_EC2_METADATA_DISABLED", "true"); // missing credentials fail fast, not via IMDS
      e.put("LAMBDA_TASK_ROOT", taskRoot.toString());
      e.put("LAMBDA_RUNTIME_DIR", taskRoot.getParent().toString());
      e.put("_HANDLER", handler);
      return e;
    }

    private static String runDir(Path taskRoot) {
      return taskRoot.getParent().getFileName().toString();
    }
  }

  /** The process id of the runtime JVM. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code once the runtime has exited. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** The command line the runtime was started with. */
  public List<String> command() {
    return command;
  }

  /** {@code target/lambda-runs/<name>-<n>/}. */
  public Path runDir() {
    return runDir;
  }

  /** stdout and stderr of the runtime, interleaved as written. */
  public Path logFile() {
    return logFile;
  }

  /** Everything the runtime printed so far. */
  public String output() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + logFile, e);
    }
  }

  public List<String> outputLines() {
    return output().lines().toList();
  }

  /**
   * The output lines that are JSON objects: the handler's log events ({@code level}, {@code
   * message}, {@code context.requestId}, ...) and its EMF metric lines ({@code _aws}).
   */
  public List<JsonNode> jsonLines() {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : outputLines()) {
      if (line.startsWith("{")) {
        try {
          lines.add(JSON.readTree(line));
        } catch (IOException e) {
          // not JSON after all (a line cut by a kill); the raw output still has it
        }
      }
    }
    return lines;
  }

  /** How long the init phase took: from starting the JVM to its first request for work. */
  public Duration awaitReady(Duration timeout) {
    runtime.awaitReady(timeout);
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** SIGTERM, then SIGKILL after a grace period; the run directory and its log stay. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      runtime.detach(process);
      Orphans.unregister(process.pid());
    }
  }

  /** The tail of the log, for failure messages. */
  String diagnostics() {
    return "runtime log " + logFile + ":\n" + TestEnv.tail(logFile, 6000);
  }

  /**
   * The jars of the RIC and its run-time dependencies, picked from the test classpath by artifact
   * name. Not through a class they hold: under failsafe the shaded function jar comes first on the
   * classpath and holds aws-lambda-java-core and utils-lite too, and it must not be on the
   * runtime's classpath in the {@link Layout#TASK_ROOT} layout.
   */
  static List<String> runtimeClasspath() {
    List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    List<String> jars = new ArrayList<>();
    for (String artifact : RUNTIME_ARTIFACTS) {
      Pattern name = Pattern.compile(Pattern.quote(artifact) + "-\\d[^/]*\\.jar");
      jars.add(
          entries.stream()
              .filter(e -> name.matcher(Path.of(e).getFileName().toString()).matches())
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          artifact
                              + "-*.jar is not on the test classpath; the pom must have"
                              + " aws-lambda-java-runtime-interface-client as a test dependency")));
    }
    return jars;
  }

  /** Copies the RIC's JNI library for this platform out of its jar. */
  static Path extractJni(Path dir) {
    String resource = "/jni/libaws-lambda-jni." + platform() + ".so";
    Path target = dir.resolve("libaws-lambda-jni.so");
    try (InputStream in = LambdaProcess.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError(
            "the RIC jar has no " + resource + "; this platform cannot run the Lambda runtime");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("could not extract " + resource, e);
    }
  }

  /**
   * linux-x86_64, linux-aarch_64, linux_musl-x86_64 or linux_musl-aarch_64, as the RIC names them.
   */
  private static String platform() {
    String arch = System.getProperty("os.arch");
    String cpu =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch_64";
          default -> throw new AssertionError("the RIC has no JNI library for os.arch " + arch);
        };
    if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
      throw new AssertionError("the RIC runs on Linux only, not " + System.getProperty("os.name"));
    }
    return (isMusl() ? "linux_musl-" : "linux-") + cpu;
  }

  private static boolean isMusl() {
    try (var libs = Files.list(Path.of("/lib"))) {
      return libs.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl-"));
    } catch (IOException e) {
      return false;
    }
  }

  private static Path newRunDir(String name) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss"));
    Path dir =
        TestEnv.targetDir()
            .resolve("lambda-runs")
            .resolve(
                name
                    + "-"
                    + stamp
                    + "-"
                    + ProcessHandle.current().pid()
                    + "-"
                    + RUNS.incrementAndGet());
    TestEnv.deleteTree(dir);
    return mkdirs(dir);
  }

  /** The argv, one per line, for reproducing a run by hand (the environment is not written). */
  private static void writeCommand(Path file, List<String> argv) {
    try {
      Files.write(file, argv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dir, e);
    }
  }

  /**
   * A copy, as the image has: with a symbolic link Log4j sees its resources under two URLs (the
   * link's and the target's) and warns "found 2 resources" at every start.
   */
  private static void copyJar(Path jar, Path target) {
    try {
      Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy " + jar + " to " + target, e);
    }
  }
}
