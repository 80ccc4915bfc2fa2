package dev.neons3backup.dump;

/** Reads the table name out of a {@code COPY "schema"."table" (cols) FROM stdin;} line. */
final class CopyHeader {
  private CopyHeader() {}

  /** The qualified name as written by pg_dump, quotes removed: {@code My Schema.My Table}. */
  static String tableName(String line) {
    StringBuilder name = new StringBuilder();
    int i = "COPY ".length();
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"') {
        i++;
        while (i < line.length()) {
          char d = line.charAt(i);
          if (d == '"') {
            if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
              name.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          name.append(d);
          i++;
        }
      } else if (c == '.') {
        name.append('.');
        i++;
      } else if (c == ' ' || c == '(') {
        break;
      } else {
        name.append(c);
        i++;
      }
    }
    return name.toString();
  }
}
