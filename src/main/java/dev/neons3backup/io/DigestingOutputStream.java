package dev.neons3backup.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Passes bytes through while counting them and computing their SHA-256. */
public final class DigestingOutputStream extends FilterOutputStream {
  private final MessageDigest sha256;
  private long count;

  public DigestingOutputStream(OutputStream out) {
    super(out);
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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

  public long count() {
    return count;
  }

  public byte[] digest() {
    return sha256.digest();
  }

  /** The count and SHA-256 of every byte written; call once, after the last write. */
  public StoredBytes result() {
    return new StoredBytes(count, HexFormat.of().formatHex(sha256.digest()));
  }
}
