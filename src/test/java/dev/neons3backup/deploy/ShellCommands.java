package dev.neons3backup.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The external commands a piece of shell code runs, found well enough for this repository's
 * scripts: quoted strings are blanked, the text is split at command separators, and the first word
 * of each part is kept unless it is a keyword, a builtin, a function the script defines, an
 * assignment or a word that is not a plain name (a variable, a glob, a case pattern). A command
 * named through a variable ("$program") is not seen; the recipe's checks say so where it matters.
 */
final class ShellCommands {
  private static final Pattern SEPARATORS =
      Pattern.compile(
          "&&|\\|\\||;|\\||\\$\\(|`|(?<!=)\\(|\\)|\\{|}|\\bthen\\b|\\bdo\\b|\\belse\\b");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*(\\[[^]]*])?\\+?=.*");
  private static final Pattern PLAIN_WORD = Pattern.compile("^[A-Za-z0-9_./-]+$");
  private static final Pattern FUNCTION =
      Pattern.compile("(?m)^\\s*([A-Za-z_][A-Za-z0-9_-]*)\\(\\)");
  private static final Set<String> PREFIX_KEYWORDS =
      Set.of("if", "elif", "while", "until", "!", "time", "exec", "command");
  private static final Set<String> SKIPPED_PARTS = Set.of("for", "case", "select");
  private static final Set<String> BUILTINS =
      Set.of(
          "fi",
          "done",
          "esac",
          "in",
          "return",
          "exit",
          "echo",
          "printf",
          "read",
          "local",
          "declare",
          "shopt",
          "set",
          "trap",
          "cd",
          "[[",
          "]]",
          "[",
          "test",
          ":",
          "true",
          "false",
          "source",
          ".",
          "wait",
          "mapfile",
          "shift",
          "export",
          "unset",
          "((",
          "let",
          "break",
          "continue",
          "eval",
          "type",
          "hash",
          "pwd",
          "umask",
          "ulimit",
          "getopts");

  private ShellCommands() {}

  static Set<String> of(String script) {
    Set<String> functions = new LinkedHashSet<>();
    FUNCTION.matcher(script).results().forEach(m -> functions.add(m.group(1)));
    Set<String> commands = new LinkedHashSet<>();
    String code =
        String.join("\n", script.lines().filter(l -> !l.strip().startsWith("#")).toList());
    for (String line : unquoted(code.replace("\\\n", " ")).split("\n")) {
      for (String part : SEPARATORS.split(line)) {
        String command = commandOf(part);
        if (command != null && !functions.contains(command)) {
          commands.add(command);
        }
      }
    }
    return commands;
  }

  private static String commandOf(String part) {
    String[] words = part.strip().split("\\s+");
    int i = 0;
    while (i < words.length && (PREFIX_KEYWORDS.contains(words[i]) || isAssignment(words[i]))) {
      if (words[i].contains("=(")) {
        return null; // an array literal: its words are values, not commands
      }
      i++;
    }
    if (i >= words.length || words[i].isEmpty() || SKIPPED_PARTS.contains(words[0])) {
      return null;
    }
    String word = words[i];
    if (BUILTINS.contains(word) || !PLAIN_WORD.matcher(word).matches() || word.matches("\\d+")) {
      return null;
    }
    return word;
  }

  private static boolean isAssignment(String word) {
    return ASSIGNMENT.matcher(word).matches();
  }

  /** Blanks the inside of quoted strings (keeping the quotes), so no separator hides in one. */
  private static String unquoted(String text) {
    StringBuilder out = new StringBuilder(text.length());
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == 0 && (c == '\'' || c == '"') && (i == 0 || text.charAt(i - 1) != '\\')) {
        quote = c;
        out.append(c);
      } else if (quote != 0 && c == quote && (quote == '\'' || text.charAt(i - 1) != '\\')) {
        quote = 0;
        out.append(c);
      } else if (quote != 0 && c != '\n') {
        out.append('\u0001'); // no command word can contain it
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
