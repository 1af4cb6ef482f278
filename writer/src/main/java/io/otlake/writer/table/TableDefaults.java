package io.otlake.writer.table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties otlake sets on every table it creates (the seed design's: format v2, Parquet with zstd, a
 * configurable target file size; old metadata files cleaned up), plus what a table asks for its columns.
 */
public final class TableDefaults {
  private TableDefaults() {}

  /**
   * @param noDictionary columns whose values are random ids: a dictionary never pays off and costs a hash lookup per
   *     value until Parquet gives up on it
   * @param bloomFilter columns looked up by value (trace ids): a bloom filter per row group (sized for its distinct
   *     values at 1% false positives, at most write.parquet.bloom-filter-max-bytes) lets Trino, Spark, DuckDB and
   *     Iceberg skip row groups without the value
   */
  public static Map<String, String> of(long targetFileSizeBytes, List<String> noDictionary, List<String> bloomFilter) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(org.apache.iceberg.TableProperties.FORMAT_VERSION, "2");
    p.put(org.apache.iceberg.TableProperties.DEFAULT_FILE_FORMAT, "parquet");
    p.put(org.apache.iceberg.TableProperties.PARQUET_COMPRESSION, "zstd");
    p.put(org.apache.iceberg.TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, Long.toString(targetFileSizeBytes));
    p.put(org.apache.iceberg.TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    p.put(org.apache.iceberg.TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
    // DELTA_BINARY_PACKED / DELTA_BYTE_ARRAY where no dictionary is used (see ColumnsFile)
    p.put("otlake.parquet.encodings", "v2");
    for (String column : noDictionary) {
      p.put("write.parquet.dict-encoding-enabled.column." + column, "false");
    }
    for (String column : bloomFilter) {
      p.put(org.apache.iceberg.TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX + column, "true");
    }
    return Collections.unmodifiableMap(p);
  }
}
