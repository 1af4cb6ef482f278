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
 * Compresses pages with the table's codec. zstd (otlake's default) goes straight through zstd-jni with one reused
 * context; other codecs through parquet-mr's codec factory.
 */
final class PageCodec implements AutoCloseable {
  private static final org.apache.hadoop.conf.Configuration CONF = new org.apache.hadoop.conf.Configuration(false);

  private final CompressionCodecName name;
  private final ZstdCompressCtx zstd;
  private final CodecFactory factory;
  private final CompressionCodecFactory.BytesInputCompressor other;
  private byte[] out = new byte[0];

  PageCodec(String codec, Integer level) {
    this.name = CompressionCodecName.fromConf(codec.toUpperCase(Locale.ROOT));
    if (name == CompressionCodecName.ZSTD) {
      zstd = new ZstdCompressCtx();
      zstd.setLevel(level == null ? 3 : level);
      factory = null;
      other = null;
    } else {
      zstd = null;
      factory = new CodecFactory(CONF, 1 << 20);
      other = factory.getCompressor(name);
    }
  }

  CompressionCodecName name() {
    return name;
  }

  byte[] compress(byte[] buf, int len) throws IOException {
    if (zstd != null) {
      int bound = (int) Zstd.compressBound(len);
      if (out.length < bound) {
        out = new byte[bound];
      }
      int n = zstd.compressByteArray(out, 0, out.length, buf, 0, len);
      return Arrays.copyOf(out, n);
    }
    return other.compress(BytesInput.from(buf, 0, len)).toByteArray();
  }

  @Override
  public void close() {
    if (zstd != null) {
      zstd.close();
    }
    if (factory != null) {
      factory.release();
    }
  }
}
