package dev.neons3backup.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The deploy files of this repository, read from the project root (surefire's working dir). */
final class Project {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  static final String HANDLER = "dev.neons3backup.lambda.BackupHandler::handleRequest";

  private Project() {}

  static Path file(String relative) {
    Path path = ROOT.resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(relative + " not found under " + ROOT);
    }
    return path;
  }

  static String read(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh copy each call, so a test may change it freely. */
  static Map<String, Object> template() {
    try {
      return CfnYaml.load(file("template.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Follows a path of mapping keys, e.g. {@code at(template, "Resources", "BackupBucket")}. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object node, String... keys) {
    Object current = node;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
        throw new AssertionError("no '" + key + "' in path " + List.of(keys));
      }
      current = map.get(key);
    }
    return (T) current;
  }

  static Map<String, Object> resource(Map<String, Object> template, String id) {
    return at(template, "Resources", id);
  }

  static Map<String, Object> properties(Map<String, Object> template, String id) {
    return at(template, "Resources", id, "Properties");
  }

  static Map<String, Object> ref(String target) {
    return Map.of("Ref", target);
  }

  static Map<String, Object> getAtt(String resource, String attribute) {
    return Map.of("Fn::GetAtt", List.of(resource, attribute));
  }
}
