package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Habits of the main code that the formatter does not enforce. */
class MainCodeStyleTest {
  /** A package path followed by a type name, not preceded by a dot, word or quote. */
  private static final Pattern INLINE_NAME =
      Pattern.compile(
          "(?<![\\w.@\"])(java|javax|dev\\.neons3backup|com\\.fasterxml|software\\.amazon"
              + "|org\\.apache|picocli)(\\.[a-z0-9_]+)*\\.[A-Z]\\w*");

  @Test
  void typesAreImportedNotWrittenOutInline() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : mainSources()) {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (!isDeclarationOrComment(line) && INLINE_NAME.matcher(line).find()) {
          found.add(Project.ROOT.relativize(file) + ":" + (i + 1) + ": " + line);
        }
      }
    }
    assertThat(found).as("fully-qualified names inline in src/main/java").isEmpty();
  }

  private static boolean isDeclarationOrComment(String line) {
    return line.startsWith("import ")
        || line.startsWith("package ")
        || line.startsWith("*")
        || line.startsWith("//")
        || line.startsWith("/*");
  }

  private static List<Path> mainSources() throws IOException {
    try (Stream<Path> files = Files.walk(Project.ROOT.resolve("src/main/java"))) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }
}
