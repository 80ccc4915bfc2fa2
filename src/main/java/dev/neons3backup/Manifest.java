package dev.neons3backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The facts of one backup, stored beside it as {@code <key>.manifest.json}: readable by a person,
 * and what {@code list} and {@code verify} rely on. Written only after the object was committed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    int formatVersion,
    String database,
    String key,
    String startedAt,
    String finishedAt,
    long durationMillis,
    String compression,
    int compressionLevel,
    long rawBytes,
    long storedBytes,
    String sha256,
    String pgDumpVersion,
    String serverVersion,
    List<String> pgDumpOptions,
    long totalRows,
    Map<String, Long> tables) {

  public static final String SUFFIX = ".manifest.json";
  public static final String SHA256_SUFFIX = ".sha256";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .configure(
              com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
              false);

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Manifest fromJson(byte[] json) throws IOException {
    return JSON.readValue(json, Manifest.class);
  }

  /** The {@code sha256sum}-format line, so {@code sha256sum -c} checks a downloaded backup. */
  public byte[] sha256sumLine() {
    String file = key.substring(key.lastIndexOf('/') + 1);
    return (sha256 + "  " + file + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
