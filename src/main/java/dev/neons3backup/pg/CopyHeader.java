package dev.neons3backup.pg;

/** Reads the table name out of a {@code COPY "schema"."table" (cols) FROM stdin;} line. */
final class CopyHeader {
  private CopyHeader() {}

  /**
   * The qualified name exactly as pg_dump wrote it, quotes included ({@code "My Schema".orders}),
   * so that it can be used as SQL again to count the rows of a restored table.
   */
  static String tableName(String line) {
    int start = "COPY ".length();
    int i = start;
    boolean quoted = false;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == ' ' || c == '(')) {
        break;
      }
      i++;
    }
    return line.substring(start, i);
  }
}
