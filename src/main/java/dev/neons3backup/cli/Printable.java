package dev.neons3backup.cli;

/** Text from the store made safe for a terminal: a control character never reaches it. */
final class Printable {
  private Printable() {}

  static String of(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
