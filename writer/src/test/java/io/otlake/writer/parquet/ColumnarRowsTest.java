package io.otlake.writer.parquet;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.types.Types;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the columnar reader refuses (so that compaction takes the record path): a file carrying the table's Iceberg
 * schema but storing a column in another physical type than the one it decodes, as other writers may (a
 * decimal(9,2) as 4 fixed bytes, pyarrow's way, where Iceberg's Java writers use INT32).
 */
class ColumnarRowsTest {
  private static final Schema SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "amount", Types.DecimalType.of(9, 2)));

  @TempDir
  Path dir;

  private byte[] write(String amountType, boolean fixed) throws IOException {
    MessageType type = MessageTypeParser.parseMessageType("message table { required int64 id = 1; optional "
        + amountType + " amount (DECIMAL(9,2)) = 2; }");
    File file = dir.resolve(amountType.replaceAll("\\W", "_") + ".parquet").toFile();
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toURI()))
        .withType(type).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
        .withExtraMetaData(Map.of("iceberg.schema", SchemaParser.toJson(SCHEMA))).build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(type);
      for (int i = 0; i < 10; i++) {
        Group g = groups.newGroup().append("id", (long) i);
        int unscaled = 12_345 + i;
        if (fixed) {
          byte[] four = BigInteger.valueOf(unscaled).toByteArray();
          byte[] padded = new byte[4];
          System.arraycopy(four, 0, padded, 4 - four.length, four.length);
          g.append("amount", Binary.fromConstantByteArray(padded));
        } else {
          g.append("amount", unscaled);
        }
        w.write(g);
      }
    }
    return Files.readAllBytes(file.toPath());
  }

  @Test
  void aColumnInAnotherPhysicalTypeIsRefused() throws Exception {
    ColumnarRows asIcebergWrites = new ColumnarRows(SCHEMA);
    asIcebergWrites.add(write("int32", false), "int32.parquet");
    assertThat(asIcebergWrites.rows()).isEqualTo(10);
    assertThat(asIcebergWrites.topLevel(2).number(0)).isEqualTo(12_345);

    assertThatThrownBy(() -> new ColumnarRows(SCHEMA).add(write("fixed_len_byte_array(4)", true), "fixed.parquet"))
        .isInstanceOf(ColumnarRows.Unsupported.class).hasMessageContaining("amount is stored as FIXED_LEN_BYTE_ARRAY");
  }
}
