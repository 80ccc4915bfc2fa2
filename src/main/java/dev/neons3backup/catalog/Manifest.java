package dev.neons3backup.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.neons3backup.io.StreamTotals;
import dev.neons3backup.pg.DumpScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The facts of one backup, stored beside it as {@code <key>.manifest.json}: readable by a person,
 * and what {@code list} and {@code verify} rely on. Written only after the object was committed.
 *
 * <p>A manifest rebuilt from the stored object (a retried run found the object without one) has
 * {@code completedAt} set, and leaves out what the object cannot tell: when the dump ran, how long
 * it took, the compression level and pg_dump's options.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    int formatVersion,
    String database,
    String key,
    String startedAt,
    String finishedAt,
    Long durationMillis,
    String compression,
    Integer compressionLevel,
    long rawBytes,
    long storedBytes,
    String sha256,
    String pgDumpVersion,
    String serverVersion,
    List<String> pgDumpOptions,
    long totalRows,
    Map<String, Long> tables,
    String completedAt,
    NeonOrigin neon) {

  private static final int FORMAT_VERSION = 1;

  /** The manifest of a dump this run wrote. */
  public static Manifest ofDump(
      BackupKey key,
      Instant startedAt,
      Instant finishedAt,
      int compressionLevel,
      StreamTotals stream,
      DumpScanner dump,
      String pgDumpVersion,
      String serverVersion,
      List<String> pgDumpOptions) {
    Map<String, Long> rows = dump.rowCounts();
    return new Manifest(
        FORMAT_VERSION,
        key.database(),
        key.format(),
        startedAt.toString(),
        finishedAt.toString(),
        Duration.between(startedAt, finishedAt).toMillis(),
        key.compression().id(),
        compressionLevel,
        stream.rawBytes(),
        stream.storedBytes(),
        stream.sha256(),
        pgDumpVersion,
        serverVersion,
        pgDumpOptions,
        total(rows),
        rows,
        null,
        null);
  }

  /**
   * The manifest of a stored object rebuilt from its bytes; what they cannot tell (when the dump
   * ran, the level, pg_dump's options) is left out.
   */
  public static Manifest rebuilt(
      BackupKey key,
      Instant completedAt,
      StreamTotals stream,
      DumpScanner dump,
      String pgDumpVersion,
      String serverVersion) {
    Map<String, Long> rows = dump.rowCounts();
    return new Manifest(
        FORMAT_VERSION,
        key.database(),
        key.format(),
        null,
        null,
        null,
        key.compression().id(),
        null,
        stream.rawBytes(),
        stream.storedBytes(),
        stream.sha256(),
        pgDumpVersion,
        serverVersion,
        null,
        total(rows),
        rows,
        completedAt.toString(),
        null);
  }

  /**
   * This manifest with the Neon origin of its database, if it has one; a manifest written before
   * origins existed (or for a database listed by hand) has none and still parses.
   */
  public Manifest withNeon(Optional<NeonOrigin> origin) {
    return new Manifest(
        formatVersion,
        database,
        key,
        startedAt,
        finishedAt,
        durationMillis,
        compression,
        compressionLevel,
        rawBytes,
        storedBytes,
        sha256,
        pgDumpVersion,
        serverVersion,
        pgDumpOptions,
        totalRows,
        tables,
        completedAt,
        origin.orElse(null));
  }

  private static long total(Map<String, Long> rows) {
    return rows.values().stream().mapToLong(Long::longValue).sum();
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

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

  /**
   * Why this manifest cannot vouch for the object {@code objectKey}, if it cannot: it must name
   * that key and hold its SHA-256, size and row counts.
   */
  public Optional<String> problemFor(String objectKey) {
    if (!objectKey.equals(key)) {
      return Optional.of("it describes '" + key + "', not this object");
    }
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      return Optional.of("it holds no valid SHA-256");
    }
    if (storedBytes <= 0 || tables == null) {
      return Optional.of("it lacks the stored size or the row counts");
    }
    return Optional.empty();
  }

  /** The {@code sha256sum}-format line, so {@code sha256sum -c} checks a downloaded backup. */
  public byte[] sha256sumLine() {
    String file = key.substring(key.lastIndexOf('/') + 1);
    return (sha256 + "  " + file + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
