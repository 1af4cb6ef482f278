package io.otlake.writer.signals.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.testing.DemoTelemetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.compat.RowGroupFilter;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The traces table asks for a bloom filter on {@code trace_id}, and the writer's own Parquet layer writes one per row
 * group as Iceberg's writer would ({@code write.parquet.bloom-filter-*}): parquet-mr's reader finds them, every trace
 * id of a row group is in its filter, ids not written mostly are not, and parquet-mr's row-group filtering by bloom
 * filter keeps exactly the row groups an id can be in.
 */
class TraceIdBloomFilterTest {
  private final List<Path> temp = new ArrayList<>();

  @AfterEach
  void deleteTemp() throws Exception {
    for (Path p : temp) {
      Files.deleteIfExists(p);
    }
  }

  private Path write(Map<String, String> props) throws Exception {
    InMemoryOutputFile out = new InMemoryOutputFile();
    ColumnsFile file = new ColumnsFile(TraceTable.SCHEMA, props, out);
    SpanColumns columns = new SpanColumns(file);
    DemoTelemetry demo = new DemoTelemetry(13, 1_800_000_000_000_000_000L, 100, 1);
    SpanView view = new SpanView();
    for (int i = 0; i < 8; i++) {
      ScannedTraces t = ScannedTraces.scan(demo.request(400).toByteArray());
      view.reset(t);
      for (int s = 0; s < t.spanCount(); s++) {
        view.moveTo(s);
        columns.write(view);
      }
    }
    file.close();
    Path local = Files.createTempFile("otlake-bloom-", ".parquet");
    temp.add(local);
    Files.write(local, out.toByteArray());
    return local;
  }

  private static Map<String, String> smallRowGroups() {
    Map<String, String> props = new HashMap<>(TraceTable.properties(128L << 20));
    props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "60000");
    return props;
  }

  @Test
  void everyRowGroupHasATraceIdFilterHoldingItsIdsAndFewOthers() throws Exception {
    Path file = write(smallRowGroups());
    SplittableRandom random = new SplittableRandom(5);
    List<Binary> absent = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      absent.add(Binary.fromString(String.format("%016x%016x", random.nextLong(), random.nextLong())));
    }
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      List<BlockMetaData> blocks = reader.getFooter().getBlocks();
      assertThat(blocks).hasSizeGreaterThan(3);
      MessageType projection = new MessageType("table", reader.getFooter().getFileMetaData().getSchema()
          .getType("trace_id"));
      List<Set<Binary>> idsByBlock = new ArrayList<>();
      reader.setRequestedSchema(projection);
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection)
            .getRecordReader(pages, new GroupRecordConverter(projection));
        Set<Binary> ids = new HashSet<>();
        for (long r = 0; r < pages.getRowCount(); r++) {
          ids.add(Binary.fromConstantByteArray(records.read().getBinary("trace_id", 0).getBytes()));
        }
        idsByBlock.add(ids);
      }

      int falsePositives = 0;
      for (int b = 0; b < blocks.size(); b++) {
        BloomFilter traceIds = null;
        for (ColumnChunkMetaData c : blocks.get(b).getColumns()) {
          BloomFilter f = reader.readBloomFilter(c);
          if (c.getPath().toDotString().equals("trace_id")) {
            traceIds = f;
          } else {
            assertThat(f).as("bloom filter of %s", c.getPath()).isNull();
          }
        }
        assertThat(traceIds).as("trace_id filter of row group %d", b).isNotNull();
        for (Binary id : idsByBlock.get(b)) {
          assertThat(traceIds.findHash(traceIds.hash(id))).as("trace id %s in row group %d", id.toStringUsingUTF8(), b)
              .isTrue();
        }
        for (Binary id : absent) {
          falsePositives += traceIds.findHash(traceIds.hash(id)) ? 1 : 0;
        }
        // sized for the row group's distinct ids at the default 1% false-positive probability
        assertThat(traceIds.getBitsetSize()).isLessThanOrEqualTo(
            2 * org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter.optimalNumOfBits(
                idsByBlock.get(b).size(), 0.01) / 8 + 32);
      }
      assertThat(falsePositives).as("absent ids that some filter might contain").isLessThan(
          absent.size() * blocks.size() / 20);

      // parquet-mr's own row-group filtering with the filters: an id keeps only the row groups that hold it
      for (int b = 0; b < blocks.size(); b++) {
        Binary id = idsByBlock.get(b).iterator().next();
        List<BlockMetaData> holders = new ArrayList<>();
        for (int h = 0; h < blocks.size(); h++) {
          if (idsByBlock.get(h).contains(id)) {
            holders.add(blocks.get(h));
          }
        }
        List<BlockMetaData> kept = RowGroupFilter.filterRowGroups(List.of(RowGroupFilter.FilterLevel.BLOOMFILTER),
            FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn("trace_id"), id)), blocks, reader);
        assertThat(kept).as("row groups kept for a trace id").containsAll(holders)
            .hasSizeLessThanOrEqualTo(holders.size() + 2);
      }
      int keptForAbsent = 0;
      for (Binary id : absent.subList(0, 200)) {
        keptForAbsent += RowGroupFilter.filterRowGroups(List.of(RowGroupFilter.FilterLevel.BLOOMFILTER),
            FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn("trace_id"), id)), blocks, reader).size();
      }
      assertThat(keptForAbsent).isLessThan(200 * blocks.size() / 20);
    }
  }

  @Test
  void theTablesFppMaxBytesAndEnabledPropertiesAreHonoured() throws Exception {
    Map<String, String> capped = smallRowGroups();
    capped.put(TableProperties.PARQUET_BLOOM_FILTER_MAX_BYTES, "64");
    capped.put(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX + "span_id", "true");
    capped.put(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_FPP_PREFIX + "span_id", "0.3");
    Map<String, String> off = smallRowGroups();
    off.put(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX + "trace_id", "false");
    Map<String, String> loose = smallRowGroups();
    loose.put(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_FPP_PREFIX + "trace_id", "0.3");

    Map<String, Integer> cappedSizes = filterSizes(write(capped));
    assertThat(cappedSizes).containsOnlyKeys("trace_id", "span_id");
    assertThat(cappedSizes.values()).allMatch(n -> n <= 64);
    assertThat(filterSizes(write(off))).isEmpty();
    int strict = filterSizes(write(smallRowGroups())).get("trace_id");
    assertThat(filterSizes(write(loose)).get("trace_id")).isLessThan(strict);
  }

  /** The largest bloom filter of each column that has any, in bytes. */
  private static Map<String, Integer> filterSizes(Path file) throws Exception {
    Map<String, Integer> sizes = new HashMap<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      for (BlockMetaData b : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData c : b.getColumns()) {
          BloomFilter f = reader.readBloomFilter(c);
          if (f != null) {
            sizes.merge(c.getPath().toDotString(), f.getBitsetSize(), Math::max);
          }
        }
      }
    }
    return sizes;
  }
}
