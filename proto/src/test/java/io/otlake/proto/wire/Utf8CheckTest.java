package io.otlake.proto.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner's UTF-8 check agrees with the JDK's strict decoder, around the eight-byte fast paths too. */
class Utf8CheckTest {
  @Test
  void agreesWithTheJdkDecoder() {
    Random random = new Random(7);
    for (int n = 0; n < 200_000; n++) {
      int len = random.nextInt(40);
      byte[] b = new byte[len + 6];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (random.nextInt(10) < 8 ? 0x20 + random.nextInt(0x5f) : random.nextInt(256));
      }
      int off = random.nextInt(4);
      int l = Math.min(len, b.length - off);
      assertThat(WireReader.validUtf8(b, off, l)).as("bytes %s", java.util.HexFormat.of().formatHex(b, off, off + l))
          .isEqualTo(strict(b, off, l));
    }
  }

  private static boolean strict(byte[] b, int off, int len) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
