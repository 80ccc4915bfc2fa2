package dev.neons3backup.store;

/** What a store reports of an object it committed. */
public record StoredObject(String key, long size, String location) {}
