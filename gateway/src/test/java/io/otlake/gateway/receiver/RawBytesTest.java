package io.otlake.gateway.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class RawBytesTest {
  private static final byte[] BYTES = "an OTLP request, as bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @Test
  void sendsTheBytesInOneDrainWithTheirLengthKnown() throws Exception {
    InputStream s = RawBytes.INSTANCE.stream(BYTES);
    assertThat(s).isInstanceOf(KnownLength.class).isInstanceOf(Drainable.class);
    assertThat(s.available()).isEqualTo(BYTES.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(((Drainable) s).drainTo(out)).isEqualTo(BYTES.length);
    assertThat(out.toByteArray()).isEqualTo(BYTES);
  }

  @Test
  void parsesKnownAndUnknownLengthStreams() {
    assertThat(RawBytes.INSTANCE.parse(RawBytes.INSTANCE.stream(BYTES))).isEqualTo(BYTES);
    assertThat(RawBytes.INSTANCE.parse(new ByteArrayInputStream(BYTES) {
      @Override
      public synchronized int available() {
        return 3; // a plain stream may announce less than it has
      }
    })).isEqualTo(BYTES);
  }

  @Test
  void keepsBytesBeyondAnAnnouncedLength() {
    class Short extends ByteArrayInputStream implements KnownLength {
      Short() {
        super(BYTES);
      }

      @Override
      public synchronized int available() {
        return Math.min(5, count - pos);
      }
    }
    assertThat(RawBytes.INSTANCE.parse(new Short())).isEqualTo(BYTES);
  }
}
