package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handler the image's CMD names is the class in this build, with the signature the Lambda Java
 * runtime calls, and it is the handler string the function's tests invoke.
 */
class HandlerContractTest {
  private static final Path DEPLOY_TESTS = Path.of("src/test/java/dev/neons3backup/deploy");

  /** The fleet worker's handler: the same image, chosen by the function's image command. */
  private static final String WORKER_HANDLER =
      "dev.neons3backup.lambda.WorkerHandler::handleRequest";

  /** The fleet dispatcher's handler (the scheduled function under FanOut). */
  private static final String DISPATCH_HANDLER =
      "dev.neons3backup.lambda.DispatchHandler::handleRequest";

  @Test
  void dockerfileCmdNamesTheBackupHandler() {
    String cmd = Dockerfile.parse(Project.read("Dockerfile")).last("CMD");
    assertThat(cmd).isEqualTo("[\"" + Project.HANDLER + "\"]");
  }

  @ParameterizedTest
  @ValueSource(strings = {Project.HANDLER, WORKER_HANDLER, DISPATCH_HANDLER})
  void handlerClassHasTheSignatureTheLambdaRuntimeCalls(String handlerString) throws Exception {
    String[] handler = handlerString.split("::");
    Class<?> type = Class.forName(handler[0]);
    assertThat(Modifier.isPublic(type.getModifiers())).as("public class").isTrue();
    assertThat(Modifier.isAbstract(type.getModifiers())).as("concrete class").isFalse();
    assertThat(Modifier.isPublic(type.getConstructor().getModifiers()))
        .as("public no-argument constructor, which the runtime uses")
        .isTrue();
    Method method = type.getMethod(handler[1], Map.class, Context.class);
    assertThat(Map.class.isAssignableFrom(method.getReturnType())).as("returns a Map").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {Project.HANDLER, WORKER_HANDLER, DISPATCH_HANDLER})
  void theFunctionTestsInvokeThisHandlerString(String handlerString) throws IOException {
    Path tests = Project.ROOT.resolve("src/test");
    try (Stream<Path> files = Files.walk(tests)) {
      List<Path> invoking =
          files
              .filter(Files::isRegularFile)
              .filter(p -> !p.startsWith(Project.ROOT.resolve(DEPLOY_TESTS)))
              .filter(p -> contains(p, handlerString))
              .toList();
      assertThat(invoking)
          .as(
              "a test outside the deploy package invokes the handler by its string "
                  + handlerString
                  + ", as the Lambda runtime will")
          .isNotEmpty();
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.readString(file).contains(text);
    } catch (IOException e) {
      return false; // binary test resources
    }
  }
}
