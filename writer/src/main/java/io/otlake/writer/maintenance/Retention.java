package io.otlake.writer.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Drops whole day partitions older than the retention by a metadata delete: Iceberg's {@code DeleteFiles} with a row
 * filter {@code <day source column> < start of (today - N days)} (UTC), which removes the data files of those
 * partitions from the table without reading or rewriting any (the next snapshot expiry deletes them from storage).
 * The retention is {@code maintenance.retention.days} (0, the default, keeps everything), overridden per table by the
 * table property {@value #TABLE_PROPERTY}. A table without a {@code day} (or {@code hour}) partition field is left
 * alone. The filter lies on a partition boundary, so it matches whole files; a file of an older spec that straddles it
 * makes Iceberg refuse the delete, and the step reports that.
 */
final class Retention {
  static final String TABLE_PROPERTY = "otlake.retention-days";

  private final MaintenanceSettings settings;

  Retention(MaintenanceSettings settings) {
    this.settings = settings;
  }

  StepResult.Counts run(Table table, long nowMillis, StringBuilder note) {
    table.refresh();
    StepResult.Counts counts = new StepResult.Counts();
    int days = days(table);
    if (days == 0) {
      note.append("off");
      return counts;
    }
    PartitionField dayField = null;
    for (PartitionField f : table.spec().fields()) {
      String t = f.transform().toString();
      if (t.equals("day") || t.equals("hour")) {
        dayField = f;
        break;
      }
    }
    if (dayField == null) {
      note.append("the table has no day or hour partition; retention needs one");
      return counts;
    }
    String column = table.schema().findColumnName(dayField.sourceId());
    Type type = table.schema().findType(dayField.sourceId());
    LocalDate cutoffDay = LocalDate.ofEpochDay(TimeUnit.MILLISECONDS.toDays(nowMillis)).minusDays(days);
    long cutoffSeconds = cutoffDay.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    Expression older;
    if (type instanceof Types.DateType) {
      older = Expressions.lessThan(column, (int) cutoffDay.toEpochDay());
    } else if (type instanceof Types.TimestampNanoType) {
      older = Expressions.lessThan(column, TimeUnit.SECONDS.toNanos(cutoffSeconds));
    } else if (type instanceof Types.TimestampType) {
      older = Expressions.lessThan(column, TimeUnit.SECONDS.toMicros(cutoffSeconds));
    } else {
      note.append("partition source column ").append(column).append(" is a ").append(type).append(", not a time");
      return counts;
    }
    Snapshot current = table.currentSnapshot();
    boolean any;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(current == null ? -1 : current.snapshotId())
        .filter(older).planFiles()) {
      any = current != null && tasks.iterator().hasNext();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    note.append("days before ").append(cutoffDay).append(" (").append(days).append(" days)");
    if (!any) {
      return counts.add("files.dropped", 0);
    }
    String marker = OwnSnapshot.marker("retention");
    table.newDelete().deleteFromRowFilter(older).set(OwnSnapshot.KEY, marker).commit();
    Snapshot ours = OwnSnapshot.find(table, marker);
    return counts.add("files.dropped", OwnSnapshot.summaryLong(ours, SnapshotSummary.DELETED_FILES_PROP))
        .add("rows.dropped", OwnSnapshot.summaryLong(ours, SnapshotSummary.DELETED_RECORDS_PROP))
        .add("bytes.dropped", OwnSnapshot.summaryLong(ours, SnapshotSummary.REMOVED_FILE_SIZE_PROP));
  }

  private int days(Table table) {
    String own = table.properties().get(TABLE_PROPERTY);
    if (own == null) {
      return settings.retentionDays();
    }
    try {
      int d = Integer.parseInt(own.trim());
      if (d < 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("table property " + TABLE_PROPERTY + " = '" + own + "' of " + table.name()
          + " is not a number of days (0 keeps everything)");
    }
  }
}
