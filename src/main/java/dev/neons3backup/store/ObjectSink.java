package dev.neons3backup.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A new object being written. Nothing is visible under its key until {@link #commit()}; {@link
 * #abort()} leaves no trace. Exactly one of the two is called.
 */
public interface ObjectSink {
  /** Where the bytes go. Closing it ends the data but does not commit. */
  OutputStream stream();

  /**
   * Makes the object visible, unless one already exists under the key.
   *
   * @throws AlreadyExistsException when the key is taken (nothing is overwritten)
   */
  StoredObject commit() throws IOException;

  /** Discards everything written. Safe to call after a failure of any kind. */
  void abort();
}
