package dev.neons3backup.io;

/**
 * What went through a pipeline: the raw (uncompressed) bytes, and the count and SHA-256 of the
 * bytes as stored.
 */
public record StreamTotals(long rawBytes, long storedBytes, String sha256) {}
