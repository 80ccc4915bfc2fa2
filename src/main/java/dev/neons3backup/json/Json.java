package dev.neons3backup.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.util.Map;

/**
 * The one mapper that writes what this program reports as JSON: the CLI's {@code --json}, the
 * Lambda's response and its metric lines, and the fleet's run plan and report. The shapes are the
 * view records of this package; users' scripts and alarms read them, so a field is renamed or moved
 * only on purpose (ReportJsonTest pins them).
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private Json() {}

  /** Indented, as the CLI prints it. */
  public static String pretty(Object value) {
    return write(PRETTY, value);
  }

  /** On one line, as log and metric lines are. */
  public static String line(Object value) {
    return write(MAPPER.writer(), value);
  }

  /**
   * The value as the maps and lists the Lambda runtime serializes, fields in the same order as
   * {@link #pretty} writes them.
   */
  public static Map<String, Object> toMap(Object value) {
    return MAPPER.convertValue(value, MAP);
  }

  /** Compact bytes, as the objects the fleet stores (plan, report) are written. */
  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** Reads what {@link #bytes} wrote back into its record. */
  public static <T> T read(byte[] json, Class<T> type) throws IOException {
    return MAPPER.readValue(json, type);
  }

  private static String write(ObjectWriter writer, Object value) {
    try {
      return writer.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }
}
