package dev.neons3backup;

import dev.neons3backup.compress.Compression;
import java.time.Instant;
import java.util.Optional;

/**
 * One stored backup as found in a store: its key and, when present, the manifest recorded beside it
 * and the time a {@code verify} last confirmed it.
 */
public record BackupEntry(
    String database,
    Instant time,
    String key,
    Compression compression,
    Optional<Manifest> manifest,
    Optional<Instant> verifiedAt) {}
