package dev.neons3backup.io;

/** What the digest stage saw of the bytes that went to (or came from) the store. */
public record StoredBytes(long count, String sha256) {}
