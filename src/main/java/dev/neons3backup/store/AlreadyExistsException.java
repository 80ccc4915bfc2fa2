package dev.neons3backup.store;

import java.io.IOException;

/** A conditional write found its key already taken; nothing was overwritten. */
public class AlreadyExistsException extends IOException {
  public AlreadyExistsException(String key) {
    super("an object already exists under " + key);
  }
}
