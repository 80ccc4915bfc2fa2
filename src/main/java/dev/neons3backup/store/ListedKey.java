package dev.neons3backup.store;

import java.time.Instant;

/**
 * A key as a listing shows it, with when its object was written: a side file written once (a
 * verified marker) is dated by its listing, so reading that needs no request per object.
 */
public record ListedKey(String key, Instant lastModified) {}
