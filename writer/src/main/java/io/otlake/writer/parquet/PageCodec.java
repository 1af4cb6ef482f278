package io.otlake.writer.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Compresses pages with the table's codec. zstd (otlake's default) goes straight through zstd-jni with contexts
 * borrowed from a process-wide pool per level, as many as compress at once (a level-3 context holds 1.0 MiB of
 * native memory after compressing a 1 MiB page, measured: one per open file would be 2 GiB at the default open-file
 * bound); other codecs through parquet-mr's codec factory.
 */
final class PageCodec implements AutoCloseable {
  private static final org.apache.hadoop.conf.Configuration CONF = new org.apache.hadoop.conf.Configuration(false);

  /** Idle zstd contexts by level, each with its output buffer. */
  private static final java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.ConcurrentLinkedQueue<Zstd1>>
      IDLE = new java.util.concurrent.ConcurrentHashMap<>();

  /** A zstd context and an output buffer, used by one thread at a time. */
  private static final class Zstd1 {
    final ZstdCompressCtx ctx;
    byte[] out = new byte[0];

    Zstd1(int level) {
      ctx = new ZstdCompressCtx().setLevel(level);
    }
  }

  private final CompressionCodecName name;
  private final int zstdLevel;
  private final CodecFactory factory;
  private final CompressionCodecFactory.BytesInputCompressor other;

  PageCodec(String codec, Integer level) {
    this.name = CompressionCodecName.fromConf(codec.toUpperCase(Locale.ROOT));
    if (name == CompressionCodecName.ZSTD) {
      zstdLevel = level == null ? 3 : level;
      factory = null;
      other = null;
    } else {
      zstdLevel = Integer.MIN_VALUE;
      factory = new CodecFactory(CONF, 1 << 20);
      other = factory.getCompressor(name);
    }
  }

  CompressionCodecName name() {
    return name;
  }

  byte[] compress(byte[] buf, int len) throws IOException {
    if (name == CompressionCodecName.ZSTD) {
      java.util.concurrent.ConcurrentLinkedQueue<Zstd1> idle =
          IDLE.computeIfAbsent(zstdLevel, l -> new java.util.concurrent.ConcurrentLinkedQueue<>());
      Zstd1 z = idle.poll();
      if (z == null) {
        z = new Zstd1(zstdLevel);
      }
      try {
        int bound = (int) Zstd.compressBound(len);
        if (z.out.length < bound) {
          z.out = new byte[bound];
        }
        int n = z.ctx.compressByteArray(z.out, 0, z.out.length, buf, 0, len);
        return Arrays.copyOf(z.out, n);
      } finally {
        idle.add(z);
      }
    }
    return other.compress(BytesInput.from(buf, 0, len)).toByteArray();
  }

  @Override
  public void close() {
    if (factory != null) {
      factory.release();
    }
  }
}
