package dev.neons3backup.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** The write pipeline's digest stage: counts and hashes the bytes that go to the store. */
final class DigestingOutputStream extends FilterOutputStream {
  private final MessageDigest sha256 = DigestingInputStream.sha256();
  private long count;

  DigestingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    sha256.update(b, off, len);
    count += len;
    out.write(b, off, len);
  }

  long count() {
    return count;
  }

  /** The SHA-256 of every byte written, in hex; call once, after the last write. */
  String sha256Hex() {
    return DigestingInputStream.hex(sha256);
  }
}
