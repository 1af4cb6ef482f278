package io.otlake.writer.parquet;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.writer.signals.traces.TraceTable;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnsFileTest {
  @Test
  void acceptsTheTablesOwnProperties() {
    assertThatCode(() -> ColumnsFile.checkProperties("otel.traces", TraceTable.properties(128L << 20)))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesPropertiesItCannotUseNamingThem() {
    Map<String, String> p = new HashMap<>(TraceTable.properties(128L << 20));
    p.put(ColumnsFile.ENCODINGS, "v3");
    assertThatThrownBy(() -> ColumnsFile.checkProperties("otel.traces", p))
        .hasMessageContaining("otel.traces").hasMessageContaining("otlake.parquet.encodings").hasMessageContaining("v3");

    Map<String, String> q = new HashMap<>(TraceTable.properties(128L << 20));
    q.put("write.parquet.page-size-bytes", "big");
    assertThatThrownBy(() -> ColumnsFile.checkProperties("otel.traces", q)).hasMessageContaining("big");

    Map<String, String> r = new HashMap<>(TraceTable.properties(128L << 20));
    r.put("write.parquet.compression-codec", "zip");
    assertThatThrownBy(() -> ColumnsFile.checkProperties("otel.traces", r)).hasMessageContaining("ZIP");

    Map<String, String> f = new HashMap<>(TraceTable.properties(128L << 20));
    f.put("write.parquet.bloom-filter-fpp.column.trace_id", "1.5");
    assertThatThrownBy(() -> ColumnsFile.checkProperties("otel.traces", f)).hasMessageContaining("otel.traces")
        .hasMessageContaining("1.5");

    Map<String, String> m = new HashMap<>(TraceTable.properties(128L << 20));
    m.put("write.parquet.bloom-filter-max-bytes", "8");
    assertThatThrownBy(() -> ColumnsFile.checkProperties("otel.traces", m)).hasMessageContaining("max bytes 8");
  }
}
