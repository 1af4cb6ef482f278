package io.otlake.writer.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;

/** The writer's XXH64 is the hash parquet-mr's bloom filters use, for every length and offset. */
class XxHash64Test {
  @Test
  void equalsParquetMrsHash() {
    BlockSplitBloomFilter parquet = new BlockSplitBloomFilter(64);
    SplittableRandom random = new SplittableRandom(3);
    for (int len = 0; len < 200; len++) {
      for (int k = 0; k < 5; k++) {
        byte[] b = new byte[len + 7];
        random.nextBytes(b);
        int off = random.nextInt(8);
        int n = Math.min(len, b.length - off);
        assertThat(XxHash64.hash(b, off, n)).as("length %d at %d", n, off)
            .isEqualTo(parquet.hash(Binary.fromConstantByteArray(b, off, n)));
      }
    }
  }

  @Test
  void seededEqualsLz4JavasXxh64() {
    net.jpountz.xxhash.XXHash64 lz4 = net.jpountz.xxhash.XXHashFactory.safeInstance().hash64();
    SplittableRandom random = new SplittableRandom(5);
    for (int len = 0; len < 200; len++) {
      byte[] b = new byte[len + 7];
      random.nextBytes(b);
      int off = random.nextInt(8);
      int n = Math.min(len, b.length - off);
      long seed = random.nextLong();
      assertThat(XxHash64.hash(b, off, n, seed)).as("length %d seed %d", n, seed)
          .isEqualTo(lz4.hash(b, off, n, seed));
    }
  }
}
