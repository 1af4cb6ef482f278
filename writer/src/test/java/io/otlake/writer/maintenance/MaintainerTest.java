package io.otlake.writer.maintenance;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otlake.proto.config.ConfigException;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.maintenance.MaintenanceSettings.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance logic on Iceberg's in-memory catalog (the real commit protocol and real Parquet files, in memory), on a
 * table that is not the traces table: maintenance knows no column of it.
 */
class MaintainerTest {
  private static final Schema SCHEMA = new Schema(
      required(1, "at", Types.TimestampType.withZone()),
      required(2, "id", Types.StringType.get()),
      optional(3, "tags", Types.MapType.ofRequired(4, 5, Types.StringType.get(), Types.StringType.get())));
  private static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("at").build();
  private static final String POSITION_KEY = "otlake.kafka.offsets.some_topic.some_group";

  @TempDir
  Path spill;
  private Table table;
  private final Random random = new Random(7);
  private int next;

  @BeforeEach
  void createTable() {
    InMemoryCatalog catalog = new InMemoryCatalog();
    catalog.initialize("test", Map.of());
    catalog.createNamespace(org.apache.iceberg.catalog.Namespace.of("ns"));
    table = catalog.buildTable(TableIdentifier.of("ns", "events"), SCHEMA).withPartitionSpec(SPEC)
        .withSortOrder(SortOrder.builderFor(SCHEMA).asc("at").asc("id").build())
        .withProperties(Map.of("format-version", "2", "write.target-file-size-bytes", "1048576",
            POSITION_KEY, "0:10;snapshot=-1;seq=0"))
        .create();
  }

  private MaintenanceSettings settings(Map<String, String> extra) {
    Map<String, String> o = new HashMap<>(Map.of("iceberg.catalog.type", "jdbc", "iceberg.catalog.warehouse", "x",
        "maintenance.compact.spill-dir", spill.toString()));
    o.putAll(extra);
    return WriterConfig.load(null, Map.of(), o).maintenance();
  }

  /** One commit of one Parquet file of {@code rows} rows at random times of {@code day}, ids counting up. */
  private List<String> appendFile(OffsetDateTime day, int rows) {
    List<String> ids = new ArrayList<>();
    GenericFileWriterFactory writers = new GenericFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET).dataSchema(SCHEMA).build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, next).format(FileFormat.PARQUET).build();
    GenericRecord template = GenericRecord.create(SCHEMA);
    Record first = template.copy(Map.of("at", day, "id", "x"));
    PartitionKey key = new PartitionKey(SPEC, SCHEMA);
    key.partition(new InternalRecordWrapper(SCHEMA.asStruct()).wrap(first));
    DataWriter<Record> w = writers.newDataWriter(files.newOutputFile(SPEC, key), SPEC, key);
    try (w) {
      for (int i = 0; i < rows; i++) {
        String id = String.format("id-%06d", next++);
        ids.add(id);
        w.write(template.copy(Map.of("at", day.plusSeconds(random.nextInt(80_000)), "id", id,
            "tags", Map.of("k", "v" + (i % 3)))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table.newFastAppend().appendFile(w.toDataFile()).commit();
    return ids;
  }

  private List<String> ids() {
    List<String> out = new ArrayList<>();
    table.refresh();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      rows.forEach(r -> out.add((String) r.getField("id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private List<DataFile> dataFiles() {
    List<DataFile> out = new ArrayList<>();
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(t -> out.add(t.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private StepResult step(MaintenanceSettings s, Step step) {
    return new Maintainer(s, new MaintenanceMetrics(new SimpleMeterRegistry()), System::currentTimeMillis,
        () -> false).runStep(table, step);
  }

  @Test
  void compactionSortsPerPartitionSpillingRunsAndKeepsEveryRowOnce() throws IOException {
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC).withHour(0).withMinute(0).withSecond(0).withNano(0);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      expected.addAll(appendFile(today.minusDays(1), 150));
      expected.addAll(appendFile(today.minusDays(2), 40));
    }
    String position = table.properties().get(POSITION_KEY);
    // 600 rows in the first partition with at most 100 in memory: six sorted runs merged
    StepResult r = step(settings(Map.of("maintenance.compact.min-age", "0s",
        "maintenance.compact.max-rows-in-memory", "100")), Step.COMPACT);

    assertThat(r.failed()).as(r.line()).isFalse();
    assertThat(r.count("files.rewritten")).isEqualTo(8);
    assertThat(r.count("partitions.compacted")).isEqualTo(2);
    assertThat(ids()).containsExactlyInAnyOrderElementsOf(expected);
    List<DataFile> files = dataFiles();
    assertThat(files).hasSize(2);
    for (DataFile f : files) {
      assertThat(f.sortOrderId()).isEqualTo(table.sortOrder().orderId());
      List<OffsetDateTime> times = new ArrayList<>();
      try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(f.location())).project(SCHEMA)
          .createReaderFunc(fs -> GenericParquetReaders.buildReader(SCHEMA, fs)).build()) {
        rows.forEach(row -> times.add((OffsetDateTime) row.getField("at")));
      }
      assertThat(times).as("rows of %s in time order", f.location()).isSorted();
    }
    assertThat(table.properties().get(POSITION_KEY)).isEqualTo(position);
    assertThat(spill.toFile().list()).as("spilled runs deleted").isEmpty();

    // the compacted files are now the only ones: nothing left to do
    StepResult again = step(settings(Map.of("maintenance.compact.min-age", "0s")), Step.COMPACT);
    assertThat(again.count("files.rewritten")).isZero();
  }

  @Test
  void compactedFilesAreWrittenWithTheTablesEncodingsAndBloomFilters() throws IOException {
    OffsetDateTime day = OffsetDateTime.now(ZoneOffset.UTC).withHour(0).withMinute(0).withSecond(0).withNano(0).minusDays(1);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      expected.addAll(appendFile(day, 500));
    }
    // set after the appends: Iceberg's generic writer would make each input a 1 MiB filter (no NDV given), too big
    // to count as small; otlake's writer sizes a filter for the row group's distinct values
    table.updateProperties().set("write.parquet.bloom-filter-enabled.column.id", "true").commit();
    StepResult r = step(settings(Map.of("maintenance.compact.min-age", "0s")), Step.COMPACT);
    assertThat(r.count("files.rewritten")).as(r.line()).isEqualTo(4);
    List<DataFile> files = dataFiles();
    assertThat(files).hasSize(1);
    Path local = spill.resolve("compacted.parquet");
    try (java.io.InputStream in = table.io().newInputFile(files.get(0).location()).newStream()) {
      java.nio.file.Files.copy(in, local);
    }
    java.util.Set<String> ids = new java.util.HashSet<>(expected);
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(local))) {
      java.util.Set<Encoding> encodings = new java.util.HashSet<>();
      int absentFound = 0;
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData c : block.getColumns()) {
          encodings.addAll(c.getEncodings());
          BloomFilter filter = reader.readBloomFilter(c);
          if (!c.getPath().toDotString().equals("id")) {
            assertThat(filter).as("bloom filter of %s", c.getPath()).isNull();
            continue;
          }
          assertThat(filter).as("bloom filter of id").isNotNull();
          for (String id : ids) {
            assertThat(filter.findHash(filter.hash(Binary.fromString(id)))).as("id %s in the filter", id).isTrue();
          }
          for (int i = 0; i < 1000; i++) {
            if (filter.findHash(filter.hash(Binary.fromString("absent-" + i)))) {
              absentFound++;
            }
          }
        }
      }
      assertThat(reader.getFooter().getBlocks()).hasSize(1);
      assertThat(absentFound).as("ids not written that the filter takes for present (1%% wanted)").isLessThan(40);
      assertThat(encodings).as("otlake's v2 encodings, which Iceberg's generic writer does not write")
          .contains(Encoding.DELTA_BINARY_PACKED);
    }
    assertThat(ids()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aRewriteRollsItsOutputAtTheTargetSizeKeepingTheOrderAcrossFiles() throws IOException {
    OffsetDateTime day = OffsetDateTime.now(ZoneOffset.UTC).withHour(0).withMinute(0).withSecond(0).withNano(0).minusDays(1);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.addAll(appendFile(day, 3000));
    }
    List<DataFile> inputs = dataFiles();
    SortedRewrite.Output out = new SortedRewrite(table, 2000, spill, () -> false)
        .rewrite(table.spec(), inputs.get(0).partition(), inputs, 16 * 1024);
    assertThat(out.rows()).isEqualTo(9000);
    assertThat(out.files()).hasSizeGreaterThan(2);
    List<OffsetDateTime> times = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (DataFile f : out.files()) {
      assertThat(f.fileSizeInBytes()).as("size of %s", f.location()).isLessThan(3 * 16 * 1024);
      assertThat(f.sortOrderId()).isEqualTo(table.sortOrder().orderId());
      assertThat(f.recordCount()).isPositive();
      try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(f.location())).project(SCHEMA)
          .createReaderFunc(fs -> GenericParquetReaders.buildReader(SCHEMA, fs)).build()) {
        rows.forEach(row -> {
          times.add((OffsetDateTime) row.getField("at"));
          ids.add((String) row.getField("id"));
        });
      }
    }
    assertThat(times).as("rows in time order over the files in their order").isSorted();
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(spill.toFile().list()).as("spilled runs deleted").isEmpty();
  }

  @Test
  void aRefusedCommitOfSeveralPartitionsAbandonsOnlyTheConflictingOne() {
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC).withHour(0).withMinute(0).withSecond(0).withNano(0);
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      kept.addAll(appendFile(today.minusDays(1), 20));
      appendFile(today.minusDays(2), 20);
    }
    // another maintainer drops the older day's partition after compaction planned and before it commits
    Table racing = (Table) java.lang.reflect.Proxy.newProxyInstance(Table.class.getClassLoader(),
        new Class<?>[] {Table.class}, new java.lang.reflect.InvocationHandler() {
          private boolean raced;

          @Override
          public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] args) throws Throwable {
            if (m.getName().equals("newRewrite") && !raced) {
              raced = true;
              table.newDelete().deleteFromRowFilter(org.apache.iceberg.expressions.Expressions.lessThan("at",
                  today.minusDays(1).toInstant().toEpochMilli() * 1000)).commit();
            }
            try {
              return m.invoke(table, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          }
        });
    StepResult r = new Maintainer(settings(Map.of("maintenance.compact.min-age", "0s")),
        new MaintenanceMetrics(new SimpleMeterRegistry()), System::currentTimeMillis, () -> false)
        .runStep(racing, Step.COMPACT);
    assertThat(r.failed()).as(r.line()).isFalse();
    assertThat(r.count("partitions.compacted")).as(r.line()).isEqualTo(1);
    assertThat(r.count("partitions.abandoned")).as(r.line()).isEqualTo(1);
    assertThat(ids()).containsExactlyInAnyOrderElementsOf(kept);
    assertThat(dataFiles()).hasSize(1);
  }

  @Test
  void youngFilesAreNotCompacted() {
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC);
    appendFile(today, 10);
    appendFile(today, 10);
    StepResult r = step(settings(Map.of("maintenance.compact.min-age", "1h")), Step.COMPACT);
    assertThat(r.count("files.rewritten")).isZero();
    assertThat(dataFiles()).hasSize(2);
  }

  @Test
  void expiryKeepsTheNewestAndTheCurrentAndLeavesPropertiesAlone() {
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC);
    for (int i = 0; i < 6; i++) {
      appendFile(today, 5);
    }
    Map<String, String> props = Map.copyOf(table.properties());
    long current = table.currentSnapshot().snapshotId();
    StepResult r = step(settings(Map.of("maintenance.expire.max-age", "0s", "maintenance.expire.min-snapshots",
        "2")), Step.EXPIRE);
    assertThat(r.count("snapshots.expired")).as(r.line()).isEqualTo(4);
    table.refresh();
    assertThat(table.snapshots()).hasSize(2);
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(current);
    assertThat(table.properties()).isEqualTo(props);
    assertThat(ids()).hasSize(30);
  }

  @Test
  void manifestsAreRewrittenOncePastTheBound() {
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC).withHour(12);
    for (int i = 0; i < 6; i++) {
      appendFile(today.minusDays(i % 2), 3);
    }
    assertThat(table.currentSnapshot().dataManifests(table.io())).hasSize(6);
    StepResult under = step(settings(Map.of("maintenance.manifests.max-per-snapshot", "6")), Step.MANIFESTS);
    assertThat(under.count("manifests.rewritten")).isZero();
    StepResult r = step(settings(Map.of("maintenance.manifests.max-per-snapshot", "5")), Step.MANIFESTS);
    assertThat(r.count("manifests.rewritten")).as(r.line()).isEqualTo(6);
    table.refresh();
    // one per day
    assertThat(table.currentSnapshot().dataManifests(table.io())).hasSize(2);
    assertThat(ids()).hasSize(18);
  }

  @Test
  void retentionDropsWholeOldDaysOnly() {
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC).withHour(0).withMinute(0).withSecond(1);
    appendFile(today.minusDays(10), 4);
    appendFile(today.minusDays(4), 4);
    List<String> kept = new ArrayList<>(appendFile(today.minusDays(3), 4));
    kept.addAll(appendFile(today, 4));
    StepResult off = step(settings(Map.of()), Step.RETENTION);
    assertThat(off.note()).isEqualTo("off");
    assertThat(ids()).hasSize(16);

    StepResult r = step(settings(Map.of("maintenance.retention.days", "3")), Step.RETENTION);
    assertThat(r.count("files.dropped")).as(r.line()).isEqualTo(2);
    assertThat(r.count("rows.dropped")).isEqualTo(8);
    assertThat(ids()).containsExactlyInAnyOrderElementsOf(kept);

    table.updateProperties().set(Retention.TABLE_PROPERTY, "0").commit();
    StepResult overridden = step(settings(Map.of("maintenance.retention.days", "1")), Step.RETENTION);
    assertThat(overridden.note()).isEqualTo("off");
  }

  /** A Maintainer whose clock says {@code now}. */
  private StepResult stepAt(MaintenanceSettings s, Step step, long now) {
    return new Maintainer(s, new MaintenanceMetrics(new SimpleMeterRegistry()), () -> now, () -> false)
        .runStep(table, step);
  }

  @Test
  void aPartitionStillBeingWrittenMergesItsCompactedFileOnlyWithAsMuchNewData() throws InterruptedException {
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC).withHour(0).withMinute(0).withSecond(0).withNano(0);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.addAll(appendFile(today, 300));
    }
    MaintenanceSettings s = settings(Map.of("maintenance.compact.min-age", "1h"));
    long far = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
    StepResult whole = stepAt(s, Step.COMPACT, far); // nothing young: the partition is cold and merged whole
    assertThat(whole.count("files.rewritten")).as(whole.line()).isEqualTo(3);
    DataFile compacted = dataFiles().get(0);

    expected.addAll(appendFile(today, 10));
    expected.addAll(appendFile(today, 10));
    Thread.sleep(5); // the young file's snapshot is strictly later than the others'
    expected.addAll(appendFile(today, 10));
    table.refresh();
    long youngAdded = table.currentSnapshot().timestampMillis();
    // the last file is younger than min-age, the rest older: a partition still being written
    StepResult tiered = stepAt(s, Step.COMPACT, youngAdded + Duration.ofHours(1).toMillis() - 1);
    assertThat(tiered.count("files.rewritten")).as(tiered.line()).isEqualTo(2);
    List<String> after = dataFiles().stream().map(DataFile::location).toList();
    assertThat(after).hasSize(3).contains(compacted.location());
    assertThat(ids()).containsExactlyInAnyOrderElementsOf(expected);

    // once nothing is young, the day is merged whole into one file
    StepResult cold = stepAt(s, Step.COMPACT, far);
    assertThat(cold.count("files.rewritten")).as(cold.line()).isEqualTo(3);
    assertThat(dataFiles()).hasSize(1);
    assertThat(ids()).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** A file of {@code rows} rows, its bytes as a streaming file's: a ~15 KB footer and ~50 B a row. */
  private static DataFile rows(int id, long rows) {
    return DataFiles.builder(PartitionSpec.unpartitioned()).withPath("memory://f" + id + ".parquet")
        .withFormat(FileFormat.PARQUET).withFileSizeInBytes(15_000 + 50 * rows).withRecordCount(rows).build();
  }

  @Test
  void tiersLeaveOutAFileWithMoreRowsThanAllSmallerOnesTogether() {
    assertThat(Compaction.tiered(List.of(rows(0, 100), rows(1, 10), rows(2, 10), rows(3, 10))))
        .extracting(DataFile::recordCount).containsExactlyInAnyOrder(10L, 10L, 10L);
    assertThat(Compaction.tiered(List.of(rows(0, 100), rows(1, 60), rows(2, 50))))
        .extracting(DataFile::recordCount).containsExactlyInAnyOrder(100L, 60L, 50L);
    assertThat(Compaction.tiered(List.of(rows(0, 400), rows(1, 100), rows(2, 30), rows(3, 30))))
        .extracting(DataFile::recordCount).containsExactlyInAnyOrder(30L, 30L);
    assertThat(Compaction.tiered(List.of(rows(0, 100), rows(1, 10)))).isEmpty();
    assertThat(Compaction.tiered(List.of(rows(0, 10)))).isEmpty();
  }

  @Test
  void tiersWeighRowsNotBytes() {
    // a merged file of 10,000 dense rows (60 KB) beside 20 streaming files of 20 rows, mostly footer (16 KB each):
    // by bytes the merged file is the smaller part and would be rewritten again; by rows it stays out
    DataFile merged = DataFiles.builder(PartitionSpec.unpartitioned()).withPath("memory://merged.parquet")
        .withFormat(FileFormat.PARQUET).withFileSizeInBytes(60_000).withRecordCount(10_000).build();
    List<DataFile> files = new ArrayList<>(List.of(merged));
    for (int i = 0; i < 20; i++) {
      files.add(rows(i, 20));
    }
    assertThat(Compaction.tiered(files)).hasSize(20).doesNotContain(merged);
  }

  /**
   * A quiet partition's day at the default 10-minute schedule, 60 commits of {@code rowsPerCommit} rows between
   * runs: the rows rewritten, and the most files it held.
   */
  private static long[] simulateDay(boolean tiers, int rowsPerCommit) {
    List<DataFile> files = new ArrayList<>();
    int id = 0;
    long rewritten = 0;
    int most = 0;
    for (int run = 0; run < 144; run++) {
      for (int i = 0; i < 60; i++) { // a commit every 10 s since the last run
        files.add(rows(id++, rowsPerCommit));
      }
      List<DataFile> merged = tiers ? Compaction.tiered(files) : files;
      for (List<DataFile> bin : Compaction.bins(merged, 128L << 20)) {
        long rows = bin.stream().mapToLong(DataFile::recordCount).sum();
        files.removeIf(bin::contains);
        // merged and sorted: dense, ~20 B a row, and one footer
        files.add(DataFiles.builder(PartitionSpec.unpartitioned()).withPath("memory://f" + id++ + ".parquet")
            .withFormat(FileFormat.PARQUET).withFileSizeInBytes(15_000 + 20 * rows).withRecordCount(rows).build());
        rewritten += rows;
      }
      most = Math.max(most, files.size());
    }
    return new long[] {rewritten, most};
  }

  @Test
  void tiersBoundHowOftenAQuietDayIsRewritten() {
    for (int rowsPerCommit : new int[] {1, 20, 1000}) {
      long written = 144L * 60 * rowsPerCommit;
      long[] whole = simulateDay(false, rowsPerCommit);
      long[] tiered = simulateDay(true, rowsPerCommit);
      // merging everything at every run rewrites the day so far each time: about runs/2 times each row
      assertThat(whole[0]).as("rows per commit %d", rowsPerCommit).isGreaterThan(written * 70);
      // by tiers each merge at least doubles a file's rows: each row about log2(144) = 7.2 times, plus its first
      assertThat(tiered[0]).as("rows per commit %d", rowsPerCommit).isLessThanOrEqualTo(written * 9);
      // and the partition holds about that many files besides the 60 new ones of a run
      assertThat(tiered[1]).as("rows per commit %d", rowsPerCommit).isLessThanOrEqualTo(60 + 9);
    }
  }

  @Test
  void binsHoldTwoFilesOrMoreAndAboutTheTarget() {
    List<DataFile> files = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      files.add(DataFiles.builder(PartitionSpec.unpartitioned()).withPath("memory://f" + i + ".parquet")
          .withFormat(FileFormat.PARQUET).withFileSizeInBytes(400).withRecordCount(1).build());
    }
    List<List<DataFile>> bins = Compaction.bins(files, 1000);
    assertThat(bins).extracting(List::size).containsExactly(2, 2, 3);
    assertThat(Compaction.bins(files.subList(0, 1), 1000)).isEmpty();
  }

  @Test
  void configKeysAreValidated() {
    MaintenanceSettings d = settings(Map.of());
    assertThat(d.enabled()).isTrue();
    assertThat(d.steps()).containsExactly(Step.values());
    assertThat(d.orphanMinAge()).isEqualTo(Duration.ofDays(3));
    assertThat(d.retentionDays()).isZero();
    assertThat(settings(Map.of("maintenance.steps", "expire, compact")).steps())
        .containsExactly(Step.COMPACT, Step.EXPIRE);
    assertThatThrownBy(() -> settings(Map.of("maintenance.steps", "compact,vacuum")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'maintenance.steps'");
    assertThatThrownBy(() -> settings(Map.of("maintenance.orphans.min-age", "5m")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'maintenance.orphans.min-age'");
    assertThatThrownBy(() -> settings(Map.of("maintenance.compact.small-file-percent", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'maintenance.compact.small-file-percent'");
  }
}
