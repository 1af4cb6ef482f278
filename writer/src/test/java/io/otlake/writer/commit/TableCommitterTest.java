package io.otlake.writer.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.writer.table.Tables;
import io.otlake.writer.signals.traces.TraceTable;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.relocated.com.google.common.collect.Iterables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Offset bookkeeping and fencing on Iceberg's own in-memory catalog (real commit protocol, no storage). */
class TableCommitterTest {
  private static final String TOPIC = "otlp_spans";
  private static final String GROUP = "writers";
  private final TableCommitter committer = new TableCommitter(TOPIC, GROUP, 5, 1);
  private Table table;
  private int fileNo;

  @BeforeEach
  void createTable() {
    InMemoryCatalog catalog = new InMemoryCatalog();
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

  private Map<Integer, Long> stored() {
    table.refresh();
    return TablePosition.resolve(((HasTableOperations) table).operations().current(), TOPIC, GROUP).offsets();
  }

  private TableCommitter.Result commit(Table t, List<DataFile> files, Map<Integer, Long> expected,
      Map<Integer, Long> next) {
    return committer.commit(t, files, expected, next, Map.of(), Map.of());
  }

  @Test
  void writersOfDifferentPartitionsMergeTheirOffsets() {
    assertThat(commit(table, List.of(file()), offsets(0, null), offsets(0, 10L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(commit(table, List.of(file()), offsets(1, null), offsets(1, 5L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(commit(table, List.of(file()), offsets(0, 10L), offsets(0, 25L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(stored()).containsOnly(Map.entry(0, 25L), Map.entry(1, 5L));
    assertThat(table.currentSnapshot().summary()).containsEntry("added-data-files", "1")
        .containsEntry("total-data-files", "3");
  }

  @Test
  void aBatchThatStartedBehindTheTableIsFencedAndCommitsNothing() {
    commit(table, List.of(file()), offsets(0, null), offsets(0, 10L));
    long snapshot = table.currentSnapshot().snapshotId();
    // a zombie writer that read partition 0 from offset 4 (before the commit above) tries to commit
    assertThat(commit(table, List.of(file()), offsets(0, 4L), offsets(0, 12L)).outcome())
        .isEqualTo(TableCommitter.Outcome.FENCED);
    assertThat(commit(table, List.of(file()), offsets(0, null), offsets(0, 12L)).outcome())
        .isEqualTo(TableCommitter.Outcome.FENCED);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(stored()).containsOnly(Map.entry(0, 10L));
  }

  @Test
  void aCommitThatAlreadyLandedIsRecognisedNotRepeated() {
    commit(table, List.of(file()), offsets(0, null), offsets(0, 10L));
    long snapshot = table.currentSnapshot().snapshotId();
    // as after an unknown commit state: the same batch again
    assertThat(commit(table, List.of(file()), offsets(0, null), offsets(0, 10L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  @Test
  void aCommitRacingAnotherWriterNeverLosesTheOtherWritersOffsets() {
    commit(table, List.of(file()), offsets(0, null), offsets(0, 10L));
    TableOperations real = ((HasTableOperations) table).operations();
    // the first time our commit reaches the catalog, another writer commits partition 1 just before it
    TableOperations racing = new ForwardingTableOperations(real) {
      boolean raced;

      @Override
      public void commit(TableMetadata base, TableMetadata metadata) {
        if (!raced) {
          raced = true;
          TableCommitterTest.this.commit(table, List.of(file()), offsets(1, null), offsets(1, 7L));
        }
        super.commit(base, metadata);
      }
    };
    Table ours = new BaseTable(racing, table.name());
    assertThat(commit(ours, List.of(file()), offsets(0, 10L), offsets(0, 20L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(stored()).containsOnly(Map.entry(0, 20L), Map.entry(1, 7L));
    assertThat(table.currentSnapshot().summary()).containsEntry("total-data-files", "3");
  }

  /**
   * Operations whose commit lands in the catalog but whose answer can be lost (as when a connection is cut after the
   * request left), and whose refreshes can fail (the catalog unreachable).
   */
  private static final class LostAnswer extends ForwardingTableOperations {
    private int answersToLose;
    private final int refreshesFailingAfterCommit;
    int failingRefreshes;

    LostAnswer(Table table, int answersToLose, int refreshesFailingAfterCommit) {
      super(((HasTableOperations) table).operations());
      this.answersToLose = answersToLose;
      this.refreshesFailingAfterCommit = refreshesFailingAfterCommit;
    }

    @Override
    public TableMetadata refresh() {
      if (failingRefreshes > 0) {
        failingRefreshes--;
        throw new UncheckedIOException(new ConnectException("Connection refused"));
      }
      return super.refresh();
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
      super.commit(base, metadata);
      failingRefreshes = refreshesFailingAfterCommit;
      if (answersToLose > 0) {
        answersToLose--;
        // not CommitStateUnknownException: what a REST catalog's client throws for a connection reset
        throw new RuntimeException("Error occurred while processing POST request", new SocketException("reset"));
      }
    }
  }

  @Test
  void aCommitWhoseAnswerWasLostIsRecognisedAsLandedNotRepeated() {
    commit(table, List.of(file()), offsets(0, null), offsets(0, 10L));
    int snapshots = Iterables.size(table.snapshots());
    Table ours = new BaseTable(new LostAnswer(table, 1, 0), table.name());
    assertThat(commit(ours, List.of(file()), offsets(0, 10L), offsets(0, 20L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(stored()).containsOnly(Map.entry(0, 20L));
    assertThat(table.snapshots()).hasSize(snapshots + 1);
    assertThat(table.currentSnapshot().summary()).containsEntry("total-data-files", "2");
  }

  @Test
  void aLostAnswerWhileTheCatalogStaysUnreachableIsAnUnknownStateNotAFailure() {
    commit(table, List.of(file()), offsets(0, null), offsets(0, 10L));
    Table ours = new BaseTable(new LostAnswer(table, 1, Integer.MAX_VALUE), table.name());
    // so the caller keeps the batch's files: the table references them
    assertThatThrownBy(() -> commit(ours, List.of(file()), offsets(0, 10L), offsets(0, 20L)))
        .isInstanceOf(CommitStateUnknownException.class);
    assertThat(stored()).containsOnly(Map.entry(0, 20L));
  }

  @Test
  void theCatalogUnreachableBeforeAnyAttemptIsAPlainFailure() {
    LostAnswer down = new LostAnswer(table, 0, 0);
    down.failingRefreshes = Integer.MAX_VALUE;
    Table ours = new BaseTable(down, table.name());
    assertThatThrownBy(() -> commit(ours, List.of(file()), offsets(0, null), offsets(0, 10L)))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aRefreshFailingRightAfterTheCommitLandedStillReportsTheCommit() {
    Table ours = new BaseTable(new LostAnswer(table, 0, 1), table.name());
    assertThat(commit(ours, List.of(file()), offsets(0, null), offsets(0, 10L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(stored()).containsOnly(Map.entry(0, 10L));
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void theFirstCommitStoresTheStartOfEveryPartitionAndTheSnapshotItWasCommittedIn() {
    assertThat(committer.commit(table, List.of(file()), offsets(1, null), offsets(1, 8L), offsets(0, 3L, 1, 0L, 2, 5L),
        Map.of()).offsets()).containsOnly(Map.entry(0, 3L), Map.entry(1, 8L), Map.entry(2, 5L));
    StoredPosition stored = StoredPosition.parse(table.properties().get(KafkaOffsets.key(TOPIC, GROUP)));
    assertThat(stored.offsets()).containsOnly(Map.entry(0, 3L), Map.entry(1, 8L), Map.entry(2, 5L));
    assertThat(stored.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(stored.sequenceNumber()).isEqualTo(table.currentSnapshot().sequenceNumber());
    assertThat(table.currentSnapshot().summary()).containsEntry(KafkaOffsets.key(TOPIC, GROUP), "0:3,1:8,2:5");
    assertThat(table.properties()).containsKey(KafkaOffsets.firstCommitKey(TOPIC, GROUP));
    // a later commit never replaces a stored offset by an initial one
    commit(table, List.of(file()), offsets(0, 3L), offsets(0, 9L));
    assertThat(committer.commit(table, List.of(file()), offsets(2, 5L), offsets(2, 6L), offsets(0, 0L, 2, 0L),
        Map.of()).offsets()).containsOnly(Map.entry(0, 9L), Map.entry(1, 8L), Map.entry(2, 6L));
  }

  @Test
  void aTableWhosePositionWasRemovedFencesEveryBatch() {
    commit(table, List.of(file()), offsets(0, null), offsets(0, 10L));
    table.updateProperties().remove(KafkaOffsets.key(TOPIC, GROUP)).commit();
    TableCommitter.Result result = commit(table, List.of(file()), offsets(0, 10L), offsets(0, 12L));
    assertThat(result.outcome()).isEqualTo(TableCommitter.Outcome.FENCED);
    assertThat(result.reason()).contains("is missing").contains("./otlake position");
  }

  @Test
  void snapshotsOfOthersWithoutOffsetsAreSkippedWhenReading() {
    commit(table, List.of(file()), offsets(0, null), offsets(0, 10L));
    table.newFastAppend().appendFile(file()).commit(); // e.g. someone else's append or a rewrite
    assertThat(stored()).containsOnly(Map.entry(0, 10L));
    assertThat(commit(table, List.of(file()), offsets(0, 10L), offsets(0, 11L)).outcome())
        .isEqualTo(TableCommitter.Outcome.COMMITTED);
    assertThat(stored()).containsOnly(Map.entry(0, 11L));
  }
}
