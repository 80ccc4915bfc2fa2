package dev.neons3backup.backup;

import dev.neons3backup.config.Settings;
import dev.neons3backup.io.Compression;

/**
 * How a dump is compressed: the codec, its level and the threads it may use.
 *
 * @param level the effective level (the codec's default when none was configured)
 */
public record DumpOptions(Compression compression, int level, int threads) {
  public static DumpOptions from(Settings settings) {
    return new DumpOptions(
        settings.compression(),
        settings.effectiveCompressionLevel(),
        settings.compressionThreads());
  }
}
