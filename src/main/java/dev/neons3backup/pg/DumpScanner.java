package dev.neons3backup.pg;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Watches a plain-format dump as it streams past, without holding it: counts the rows of every
 * {@code COPY … FROM stdin;} block, counts the schema objects by the type pg_dump names in the
 * comment header it writes before each one ({@code --} then {@code -- Name: x; Type: TABLE; Schema:
 * s; Owner: -}), and remembers the end of the stream, to tell whether pg_dump wrote its completion
 * trailer last. Lines inside COPY data are rows, never headers.
 */
public final class DumpScanner {
  static final String TRAILER = "-- PostgreSQL database dump complete";
  private static final String TRAILER_LINES = "--\n" + TRAILER + "\n--";
  private static final Pattern UNRESTRICT = Pattern.compile("\\\\unrestrict [A-Za-z0-9]+");
  private static final int TAIL = 1024;
  private static final int MAX_HEADER = 64 * 1024;
  private static final String COPY = "COPY ";
  private static final String NAME = "-- Name: ";
  private static final String TYPE = "; Type: ";
  private static final String SCHEMA = "; Schema: ";
  private static final String OWNER = "; Owner: ";
  private static final Pattern TYPE_WORDS = Pattern.compile("[A-Z][A-Z ]*");

  private final Map<String, Long> rows = new LinkedHashMap<>();
  private final Map<String, Long> objects = new LinkedHashMap<>();
  // The schemas the dump created so far, which tell a header's real "; Type: " from one inside a
  // name ("-" stands for no schema; public exists without a header of its own).
  private final Set<String> schemas = new HashSet<>(Set.of("-", "public"));
  // Whether the line before the current one was exactly "--", as before every object header.
  private boolean afterDashes;
  private final byte[] tail = new byte[TAIL];
  private long total;
  private boolean atLineStart = true;
  // Outside COPY: the current line when it may be a COPY header; null when it cannot be.
  private StringBuilderBytes header = new StringBuilderBytes();
  private String copyTable;
  private long copyRows;
  private int terminatorMatch = -1;

  public void accept(byte[] buf, int off, int len) {
    keepTail(buf, off, len);
    total += len;
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte b = buf[i];
      if (copyTable != null) {
        i = inCopy(buf, i, end);
      } else {
        outsideCopy(b);
      }
    }
  }

  /** Scans COPY data from {@code i}; returns the index of the last byte consumed. */
  private int inCopy(byte[] buf, int i, int end) {
    for (; i < end; i++) {
      byte b = buf[i];
      if (atLineStart) {
        terminatorMatch = b == '\\' ? 1 : -1;
        atLineStart = false;
        if (b == '\n') {
          atLineStart = true;
          copyRows++;
        }
        continue;
      }
      if (b == '\n') {
        if (terminatorMatch == 2) {
          rows.merge(copyTable, copyRows, Long::sum);
          copyTable = null;
          atLineStart = true;
          return i;
        }
        copyRows++;
        atLineStart = true;
        terminatorMatch = -1;
      } else if (terminatorMatch == 1 && b == '.') {
        terminatorMatch = 2;
      } else {
        terminatorMatch = -1;
      }
    }
    return end - 1;
  }

  private void outsideCopy(byte b) {
    if (b == '\n') {
      endOfLine();
      header = new StringBuilderBytes();
      atLineStart = true;
      return;
    }
    atLineStart = false;
    if (header != null) {
      if (!header.mayStart(b) || header.length() >= MAX_HEADER) {
        header = null;
      } else {
        header.append(b);
      }
    }
  }

  private void endOfLine() {
    boolean dashes = header != null && header.length() == 2 && header.startsWith("--");
    if (header != null && header.startsWith(COPY)) {
      String line = header.toString();
      if (line.endsWith(" FROM stdin;")) {
        copyTable = CopyHeader.tableName(line);
        copyRows = 0;
      }
    } else if (afterDashes && header != null && header.startsWith(NAME)) {
      String line = header.toString();
      int at = typeAt(line, schemas);
      if (at >= 0) {
        String type = line.substring(at + TYPE.length(), line.indexOf(SCHEMA, at));
        objects.merge(type, 1L, Long::sum);
        if (type.equals("SCHEMA")) {
          schemas.add(line.substring(NAME.length(), at));
        }
      }
    }
    afterDashes = dashes;
  }

  /**
   * The type in a header line, e.g. {@code TABLE} or {@code FK CONSTRAINT}: the first {@code ;
   * Type: } followed by capital words and {@code ; Schema: } (a name may hold either text).
   */
  static String objectType(String line) {
    int at = typeAt(line, Set.of());
    return at < 0 ? null : line.substring(at + TYPE.length(), line.indexOf(SCHEMA, at));
  }

  /**
   * Where the {@code ; Type: } of {@code line} starts, or -1. pg_dump writes names and schemas as
   * they are, so either may hold {@code ; Type: TABLE; Schema: } itself (a table {@code "t; Type:
   * INDEX; Schema: y"} in schema {@code "s; Type: VIEW; Schema: z"}): of the places where capital
   * words and {@code ; Schema: } follow, the one whose schema (up to the last {@code ; Owner: }) is
   * one of {@code known} wins, else the first.
   */
  private static int typeAt(String line, Set<String> known) {
    int owner = line.lastIndexOf(OWNER);
    int first = -1;
    for (int at = line.indexOf(TYPE); at >= 0; at = line.indexOf(TYPE, at + 1)) {
      int from = at + TYPE.length();
      int end = line.indexOf(SCHEMA, from);
      if (end > from && TYPE_WORDS.matcher(line.substring(from, end)).matches()) {
        int schemaFrom = end + SCHEMA.length();
        if (owner >= schemaFrom && known.contains(line.substring(schemaFrom, owner))) {
          return at;
        }
        first = first < 0 ? at : first;
      }
    }
    return first;
  }

  private void keepTail(byte[] buf, int off, int len) {
    if (len >= TAIL) {
      System.arraycopy(buf, off + len - TAIL, tail, 0, TAIL);
    } else {
      System.arraycopy(tail, len, tail, 0, TAIL - len);
      System.arraycopy(buf, off, tail, TAIL - len, len);
    }
  }

  /**
   * Whether the stream so far ends with pg_dump's completion trailer: its three comment lines, then
   * only blank lines, or the {@code \\unrestrict KEY} line that pg_dump writes last since the fix
   * for CVE-2025-8714 (then blank lines). The trailer's text anywhere else — in a row of data, or
   * followed by anything more — is not an end.
   */
  public boolean complete() {
    if (copyTable != null) {
      return false;
    }
    int n = (int) Math.min(total, TAIL);
    String end = stripTrailingBlanks(new String(tail, TAIL - n, n, StandardCharsets.UTF_8));
    int lastLine = end.lastIndexOf('\n') + 1;
    if (UNRESTRICT.matcher(end.substring(lastLine)).matches()) {
      end = stripTrailingBlanks(end.substring(0, lastLine));
    }
    return end.endsWith("\n" + TRAILER_LINES) || end.equals(TRAILER_LINES);
  }

  private static String stripTrailingBlanks(String s) {
    int end = s.length();
    while (end > 0 && " \t\r\n".indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(0, end);
  }

  public long bytes() {
    return total;
  }

  /**
   * Whether the stream so far stops inside a COPY block, before the line {@code \.} that ends it.
   */
  public boolean inCopy() {
    return copyTable != null;
  }

  /** Rows per table, {@code schema.table} as written in the dump, in dump order. */
  public Map<String, Long> rowCounts() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(rows));
  }

  /**
   * Schema objects by pg_dump's type ({@code TABLE}, {@code INDEX}, …) as its headers name them.
   */
  public Map<String, Long> objectTypes() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(objects));
  }

  /** A growable byte buffer for one header line, decoded as UTF-8 at the end. */
  private static final class StringBuilderBytes {
    private byte[] bytes = new byte[128];
    private int n;

    void append(byte b) {
      if (n == bytes.length) {
        bytes = Arrays.copyOf(bytes, n * 2);
      }
      bytes[n++] = b;
    }

    int length() {
      return n;
    }

    /** Whether the line so far, then {@code b}, may still begin a COPY or an object header. */
    boolean mayStart(byte b) {
      return prefixOf(COPY, b) || prefixOf(NAME, b);
    }

    private boolean prefixOf(String start, byte b) {
      if (n >= start.length()) {
        return startsWith(start);
      }
      return b == start.charAt(n) && startsWith(start.substring(0, n));
    }

    boolean startsWith(String ascii) {
      if (n < ascii.length()) {
        return false;
      }
      for (int i = 0; i < ascii.length(); i++) {
        if (bytes[i] != ascii.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
  }
}
