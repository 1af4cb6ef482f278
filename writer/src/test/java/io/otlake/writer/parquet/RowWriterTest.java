package io.otlake.writer.parquet;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Misuse of the row writer is refused with a message naming the field, before a file could be corrupt. */
class RowWriterTest {
  private static final Schema SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "n", Types.IntegerType.get()),
      optional(3, "fx", Types.FixedType.ofLength(4)),
      optional(4, "tags", Types.ListType.ofRequired(5, Types.StringType.get())),
      optional(6, "s", Types.StructType.of(optional(7, "a", Types.StringType.get()))));

  private static ColumnsFile file() {
    return new ColumnsFile(SCHEMA, Map.of(), new InMemoryOutputFile());
  }

  @Test
  void wrongTypesAndNullsOfRequiredFieldsAreRefused() {
    RowWriter row = file().rowWriter();
    FieldWriter id = row.field("id");
    FieldWriter n = row.field("n");
    FieldWriter fx = row.field("fx");
    FieldWriter tags = row.field("tags");
    assertThatThrownBy(id::writeNull).hasMessageContaining("id").hasMessageContaining("required");
    assertThatThrownBy(() -> n.writeLong(1)).hasMessageContaining("field n");
    assertThatThrownBy(() -> n.writeBytes(new byte[1], 0, 1)).hasMessageContaining("field n");
    assertThatThrownBy(() -> fx.writeBytes(new byte[3], 0, 3)).hasMessageContaining("fx holds 4 bytes, not 3");
    assertThatThrownBy(tags::beginMap).hasMessageContaining("tags").hasMessageContaining("not a map");
    assertThatThrownBy(() -> tags.element().writeNull()).hasMessageContaining("tags.element");
    assertThatThrownBy(() -> row.field("nope")).hasMessageContaining("'nope'");
    assertThatThrownBy(() -> row.field("s").field("b")).hasMessageContaining("struct s").hasMessageContaining("'b'");
    row.fieldIfPresent("nope").writeLong(3); // a field the schema does not have takes anything and writes nothing
  }

  @Test
  void anUnwrittenRequiredFieldAndLateHandlesAreRefused() {
    RowWriter row = file().rowWriter();
    row.field("n").writeInt(1);
    assertThatThrownBy(row::endRow).hasMessageContaining("required field id");

    RowWriter other = file().rowWriter();
    other.field("id").writeLong(1);
    other.endRow();
    assertThatThrownBy(() -> other.field("n")).hasMessageContaining("after rows were written");
  }

  @Test
  void aRowMissingAFieldFailsTheFileNamingTheColumn() {
    ColumnsFile file = file();
    RowWriter row = file.rowWriter();
    FieldWriter id = row.field("id");
    FieldWriter n = row.field("n");
    id.writeLong(1);
    n.writeInt(2);
    row.endRow();
    id.writeLong(2); // n forgotten
    row.endRow();
    assertThatThrownBy(file::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("column n")
        .hasMessageContaining("has 1 rows, the file 2");
  }

  @Test
  void parquetPackageDependsOnNeitherProtoNorOtlp() throws IOException {
    Path dir = Path.of("src/main/java/io/otlake/writer/parquet");
    List<Path> sources;
    try (Stream<Path> s = Files.list(dir)) {
      sources = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).hasSizeGreaterThan(10);
    for (Path p : sources) {
      String text = Files.readString(p);
      assertThat(text).as(p.toString()).doesNotContain("io.otlake.proto").doesNotContain("opentelemetry")
          .doesNotContain("io.otlake.writer.decode").doesNotContain("io.otlake.writer.write")
          .doesNotContain("io.otlake.writer.table");
    }
  }
}
