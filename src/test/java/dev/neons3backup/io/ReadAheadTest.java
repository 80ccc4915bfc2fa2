package dev.neons3backup.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  @Test
  void deliversEveryByteInOrder() throws IOException {
    byte[] data = new byte[3_000_001];
    new Random(1).nextBytes(data);
    for (int chunk : new int[] {64, 1000, 1 << 20, 4 << 20}) {
      try (InputStream in = new ReadAhead(new ByteArrayInputStream(data), 3, chunk)) {
        assertThat(in.readAllBytes()).as("chunk %d", chunk).isEqualTo(data);
        assertThat(in.read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void anEmptySourceEndsAtOnce() throws IOException {
    try (InputStream in = new ReadAhead(new ByteArrayInputStream(new byte[0]), 2, 1024)) {
      assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
    }
  }

  @Test
  void aFailureOfTheSourceReachesTheReaderAfterTheBytesBeforeIt() throws IOException {
    InputStream failing =
        new InputStream() {
          private int left = 5000;

          @Override
          public int read() throws IOException {
            if (left-- > 0) {
              return 7;
            }
            throw new IOException("connection reset");
          }
        };
    try (InputStream in = new ReadAhead(failing, 2, 1000)) {
      byte[] first = in.readNBytes(5000);
      assertThat(first).hasSize(5000).containsOnly((byte) 7);
      assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("connection reset");
    }
  }
}
