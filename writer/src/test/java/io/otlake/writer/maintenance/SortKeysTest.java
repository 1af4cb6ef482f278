package io.otlake.writer.maintenance;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortKey;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.SortOrderComparators;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Keys computed once per row order rows as Iceberg's comparator over the rows themselves does (the oracle). */
class SortKeysTest {
  private static final Schema SCHEMA = new Schema(
      required(1, "timestamp", Types.TimestampType.withZone()),
      optional(2, "service_name", Types.StringType.get()),
      optional(3, "status_code", Types.IntegerType.get()),
      optional(4, "duration_ms", Types.DoubleType.get()));

  @Test
  void ordersAsIcebergsComparatorDoes() {
    List<SortOrder> orders = List.of(
        SortOrder.builderFor(SCHEMA).asc("timestamp").asc("service_name").build(),
        SortOrder.builderFor(SCHEMA).asc("service_name", NullOrder.NULLS_LAST).desc("timestamp").build(),
        SortOrder.builderFor(SCHEMA).desc("status_code", NullOrder.NULLS_FIRST).asc("duration_ms").build(),
        SortOrder.builderFor(SCHEMA).asc(org.apache.iceberg.expressions.Expressions.hour("timestamp"))
            .desc("service_name", NullOrder.NULLS_LAST).build(),
        SortOrder.builderFor(SCHEMA).asc(org.apache.iceberg.expressions.Expressions.truncate("service_name", 2))
            .asc(org.apache.iceberg.expressions.Expressions.bucket("status_code", 4)).build());
    List<Record> rows = rows(new Random(11), 3000);
    for (SortOrder order : orders) {
      Comparator<StructLike> iceberg = SortOrderComparators.forSchema(SCHEMA, order);
      InternalRecordWrapper left = new InternalRecordWrapper(SCHEMA.asStruct());
      InternalRecordWrapper right = new InternalRecordWrapper(SCHEMA.asStruct());
      List<Record> expected = new ArrayList<>(rows);
      expected.sort((a, b) -> iceberg.compare(left.wrap(a), right.wrap(b)));

      SortKeys keys = new SortKeys(SCHEMA, order);
      record Keyed(SortKey key, Record row) {}
      List<Keyed> keyed = new ArrayList<>();
      rows.forEach(r -> keyed.add(new Keyed(keys.of(r), r)));
      keyed.sort((a, b) -> keys.compare(a.key(), b.key()));
      List<Record> actual = new ArrayList<>();
      keyed.forEach(k -> actual.add(k.row()));

      // the same rows in the same order (both sorts are stable, so ties keep their input order in both)
      assertThat(actual).as(order.toString()).containsExactlyElementsOf(expected);
      for (int i = 0; i < 200; i++) {
        Keyed a = keyed.get(i * 7 % keyed.size());
        Keyed b = keyed.get(i * 13 % keyed.size());
        assertThat(Integer.signum(keys.compare(a.key(), b.key())))
            .isEqualTo(Integer.signum(iceberg.compare(left.wrap(a.row()), right.wrap(b.row()))));
      }
    }
  }

  private static List<Record> rows(Random random, int n) {
    OffsetDateTime base = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    String[] services = {"api", "apx", "db", "cache", "Zeta", "é-svc"};
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Record r = GenericRecord.create(SCHEMA);
      // few distinct values, so that ties and nulls are common
      r.set(0, base.plusNanos(random.nextInt(50) * 1_000_000_000L * 600 + random.nextInt(3) * 1000L));
      r.set(1, random.nextInt(5) == 0 ? null : services[random.nextInt(services.length)]);
      r.set(2, random.nextInt(4) == 0 ? null : random.nextInt(3));
      r.set(3, random.nextInt(6) == 0 ? null : random.nextInt(4) / 2.0);
      rows.add(r);
    }
    return rows;
  }
}
