package io.otlake.writer.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.writer.table.Tables;
import io.otlake.writer.signals.traces.TraceTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The position survives what other engines legally do to a table, follows a rollback, and is never guessed: each
 * case on Iceberg's in-memory catalog (the real commit protocol and metadata, no storage), with the maintenance done
 * through Iceberg's own API as an engine would.
 */
class TablePositionTest {
  private static final String TOPIC = "otlp_spans";
  private static final String GROUP = "writers";
  private final TableCommitter committer = new TableCommitter(TOPIC, GROUP, 5, 1);
  private InMemoryCatalog catalog;
  private Table table;
  private int fileNo;

  @BeforeEach
  void createTable() {
    catalog = new InMemoryCatalog();
    catalog.initialize("test", Map.of());
    table = Tables.loadOrCreate(catalog, TableIdentifier.of("otel", "traces"), TraceTable.SCHEMA,
        TraceTable.SPEC, TraceTable.SORT_ORDER, TraceTable.properties(1 << 20));
  }

  private DataFile file() {
    return DataFiles.builder(table.spec())
        .withPath("memory://data/f" + (fileNo++) + ".parquet")
        .withFormat(FileFormat.PARQUET)
        .withPartitionPath("timestamp_day=2026-11-30/service_name=checkout")
        .withFileSizeInBytes(100)
        .withRecordCount(3)
        .build();
  }

  private static Map<Integer, Long> offsets(Object... pairs) {
    Map<Integer, Long> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((Integer) pairs[i], (Long) pairs[i + 1]);
    }
    return m;
  }

  private Position position(String group) {
    table.refresh();
    return TablePosition.resolve(((HasTableOperations) table).operations().current(), TOPIC, group);
  }

  private Position position() {
    return position(GROUP);
  }

  /** A writer commit of partitions 0 and 1 advanced to {@code next0} and {@code next1}. */
  private DataFile write(long from0, long next0, long from1, long next1) {
    DataFile f = file();
    TableCommitter.Result r = committer.commit(table, List.of(f), offsets(0, from0 < 0 ? null : from0, 1,
        from1 < 0 ? null : from1), offsets(0, next0, 1, next1), Map.of(), Map.of());
    assertThat(r.outcome()).isEqualTo(TableCommitter.Outcome.COMMITTED);
    return f;
  }

  private void compactAll() {
    table.refresh();
    List<DataFile> current = new java.util.ArrayList<>();
    table.newScan().planFiles().forEach(t -> current.add(t.file()));
    var rewrite = table.newRewrite().validateFromSnapshot(table.currentSnapshot().snapshotId());
    current.forEach(rewrite::deleteFile);
    rewrite.addFile(file());
    rewrite.commit();
  }

  private void expireAllButCurrent() {
    table.refresh();
    table.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1000).retainLast(1)
        .cleanExpiredFiles(false).commit();
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void aTableWithoutDataIsNewAndOneWithItsCommitsIsFound() {
    assertThat(position().kind()).isEqualTo(Position.Kind.NEW);
    write(-1, 10, -1, 20);
    assertThat(position().kind()).isEqualTo(Position.Kind.FOUND);
    assertThat(position().offsets()).containsOnly(Map.entry(0, 10L), Map.entry(1, 20L));
  }

  @Test
  void compactionThenExpiryOfEverythingButTheCompactionKeepsThePosition() {
    write(-1, 10, -1, 20);
    write(10, 15, 20, 30);
    compactAll();
    expireAllButCurrent();
    assertThat(table.currentSnapshot().summary()).doesNotContainKey(KafkaOffsets.key(TOPIC, GROUP));
    Position p = position();
    assertThat(p.kind()).isEqualTo(Position.Kind.FOUND);
    assertThat(p.rewound()).isFalse();
    assertThat(p.offsets()).containsOnly(Map.entry(0, 15L), Map.entry(1, 30L));
  }

  @Test
  void severalCompactionsThenExpiryCutTheHistoryAndKeepThePosition() {
    write(-1, 10, -1, 20);
    compactAll();
    compactAll();
    compactAll();
    expireAllButCurrent();
    assertThat(position().offsets()).containsOnly(Map.entry(0, 10L), Map.entry(1, 20L));
  }

  @Test
  void expiryOfEverythingButTheCurrentWriterCommitKeepsThePosition() {
    write(-1, 10, -1, 20);
    write(10, 11, 20, 21);
    expireAllButCurrent();
    assertThat(position().offsets()).containsOnly(Map.entry(0, 11L), Map.entry(1, 21L));
    write(11, 12, 21, 22);
    assertThat(position().offsets()).containsOnly(Map.entry(0, 12L), Map.entry(1, 22L));
  }

  @Test
  void manifestRewritesSchemaAndPartitionChangesAndPropertyChangesKeepThePosition() {
    write(-1, 10, -1, 20);
    write(10, 11, 20, 21);
    table.rewriteManifests().clusterBy(f -> "all").commit();
    table.updateSchema().addColumn("added_by_someone", Types.StringType.get()).commit();
    table.updateSpec().addField("kind_bucket", org.apache.iceberg.expressions.Expressions.bucket("span_kind", 4))
        .commit();
    table.updateProperties().set("write.target-file-size-bytes", "268435456").set("comment", "x").commit();
    Position p = position();
    assertThat(p.kind()).isEqualTo(Position.Kind.FOUND);
    assertThat(p.offsets()).containsOnly(Map.entry(0, 11L), Map.entry(1, 21L));
  }

  @Test
  void aRollbackToAnOlderCommitRewindsToItsPosition() {
    write(-1, 10, -1, 20);
    long older = table.currentSnapshot().snapshotId();
    write(10, 15, 20, 30);
    write(15, 18, 30, 31);
    table.manageSnapshots().rollbackTo(older).commit();
    Position p = position();
    assertThat(p.kind()).isEqualTo(Position.Kind.FOUND);
    assertThat(p.rewound()).isTrue();
    assertThat(p.offsets()).containsOnly(Map.entry(0, 10L), Map.entry(1, 20L));
    // a batch read from the old position commits; one from the rolled-back position is fenced
    assertThat(committer.commit(table, List.of(file()), offsets(0, 18L), offsets(0, 19L), Map.of(), Map.of())
        .outcome()).isEqualTo(TableCommitter.Outcome.FENCED);
    write(10, 15, 20, 30);
    assertThat(position().rewound()).isFalse();
    assertThat(position().offsets()).containsOnly(Map.entry(0, 15L), Map.entry(1, 30L));
  }

  @Test
  void aRollbackToACompactionFindsTheCommitBelowIt() {
    write(-1, 10, -1, 20);
    compactAll();
    long compaction = table.currentSnapshot().snapshotId();
    write(10, 15, 20, 30);
    table.manageSnapshots().rollbackTo(compaction).commit();
    assertThat(position().offsets()).containsOnly(Map.entry(0, 10L), Map.entry(1, 20L));
    assertThat(position().rewound()).isTrue();
  }

  @Test
  void aRollbackWhoseHistoryWasExpiredIsBlockedNotGuessed() {
    write(-1, 10, -1, 20);
    compactAll();
    long compaction = table.currentSnapshot().snapshotId();
    write(10, 15, 20, 30);
    table.manageSnapshots().rollbackTo(compaction).commit();
    expireAllButCurrent();
    Position p = position();
    assertThat(p.kind()).isEqualTo(Position.Kind.BLOCKED);
    assertThat(p.problem()).contains("rolled back").contains("./otlake position");
  }

  @Test
  void aRemovedPositionIsBlockedHoweverMuchElseWasRemoved() {
    write(-1, 10, -1, 20);
    table.updateProperties().remove(KafkaOffsets.key(TOPIC, GROUP)).commit();
    assertThat(position().kind()).isEqualTo(Position.Kind.BLOCKED);
    assertThat(position().problem()).contains("has committed").contains("missing");
    table.updateProperties().remove(KafkaOffsets.firstCommitKey(TOPIC, GROUP)).commit();
    assertThat(position().kind()).isEqualTo(Position.Kind.BLOCKED);
    assertThat(position().problem()).contains("records a position of group");
    compactAll();
    expireAllButCurrent();
    assertThat(position().kind()).isEqualTo(Position.Kind.BLOCKED);
    assertThat(position().problem()).contains("holds data").contains("no position");
  }

  @Test
  void groupsOnOneTableKeepTheirOwnPositionsAndANewGroupStartsFresh() {
    write(-1, 10, -1, 20);
    assertThat(position("other").kind()).isEqualTo(Position.Kind.NEW);
    TableCommitter other = new TableCommitter(TOPIC, "other", 5, 1);
    assertThat(other.commit(table, List.of(file()), offsets(0, null), offsets(0, 3L), Map.of(), Map.of()).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    write(10, 12, 20, 22);
    assertThat(position().offsets()).containsOnly(Map.entry(0, 12L), Map.entry(1, 22L));
    assertThat(position("other").offsets()).containsOnly(Map.entry(0, 3L));
    TableCommitter otherTopic = new TableCommitter("logs", GROUP, 5, 1);
    assertThat(TablePosition.resolve(((HasTableOperations) table).operations().current(), "logs", GROUP).kind())
        .isEqualTo(Position.Kind.NEW);
    assertThat(otherTopic.commit(table, List.of(file()), offsets(0, null), offsets(0, 7L), Map.of(), Map.of())
        .outcome()).isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(position().offsets()).containsOnly(Map.entry(0, 12L), Map.entry(1, 22L));
  }

  @Test
  void dataFromAnotherToolWithoutAnyPositionIsBlocked() {
    table.newFastAppend().appendFile(file()).commit();
    assertThat(position().kind()).isEqualTo(Position.Kind.BLOCKED);
  }

  @Test
  void aTableOfTheEarlierVersionIsReadFromItsSummariesAndMigratedByTheNextCommit() {
    table.newFastAppend().appendFile(file()).set(KafkaOffsets.legacySummaryKey(TOPIC), "0:40,1:50").commit();
    table.newFastAppend().appendFile(file()).commit();
    Position p = position();
    assertThat(p.kind()).isEqualTo(Position.Kind.FOUND);
    assertThat(p.offsets()).containsOnly(Map.entry(0, 40L), Map.entry(1, 50L));
    write(40, 41, 50, 51);
    assertThat(table.properties()).containsKey(KafkaOffsets.key(TOPIC, GROUP));
    expireAllButCurrent();
    assertThat(position().offsets()).containsOnly(Map.entry(0, 41L), Map.entry(1, 51L));
  }

  @Test
  void aPositionSetByHandIsTakenAsTheTablesPositionNow() {
    write(-1, 10, -1, 20);
    table.updateProperties().set(KafkaOffsets.key(TOPIC, GROUP), "0:5,1:6").commit();
    assertThat(position().offsets()).containsOnly(Map.entry(0, 5L), Map.entry(1, 6L));
    table.updateProperties().set(KafkaOffsets.key(TOPIC, GROUP), "0:x").commit();
    assertThat(position().kind()).isEqualTo(Position.Kind.BLOCKED);
    assertThat(position().problem()).contains("cannot be read");
  }

  @Test
  void partitionsAboveTheHighestStoredAreNewOnesBelowItAreMissing() {
    Position p = Position.found(Map.of(0, 1L, 2, 3L), "test");
    assertThat(p.isNewPartition(3)).isTrue();
    assertThat(p.isNewPartition(7)).isTrue();
    assertThat(p.isNewPartition(1)).isFalse();
    assertThat(p.isNewPartition(0)).isFalse();
    assertThat(Position.fresh("x").isNewPartition(0)).isFalse();
  }
}
