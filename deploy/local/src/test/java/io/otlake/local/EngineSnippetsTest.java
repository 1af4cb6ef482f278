package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EngineSnippetsTest {
  private final EngineSnippets s = new EngineSnippets("otlake", "http://localhost:8181", "http://127.0.0.1:9000",
      "key", "secret", "us-east-1", "1.12.0");

  @Test
  void trinoCatalogFileIsAPropertiesFileOfTheIcebergConnectorOnTheRestCatalog() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(s.trino()));
    assertThat(p).containsEntry("connector.name", "iceberg").containsEntry("iceberg.catalog.type", "rest")
        .containsEntry("iceberg.rest-catalog.uri", "http://localhost:8181")
        .containsEntry("fs.native-s3.enabled", "true").containsEntry("s3.endpoint", "http://127.0.0.1:9000")
        .containsEntry("s3.path-style-access", "true").containsEntry("s3.aws-access-key", "key")
        .containsEntry("s3.aws-secret-key", "secret").containsEntry("s3.region", "us-east-1");
  }

  @Test
  void sparkSqlIsOneCommandOfConfLines() {
    String[] lines = s.spark().split("\n");
    assertThat(lines[0]).startsWith("spark-sql --packages org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0,"
        + "org.apache.iceberg:iceberg-aws-bundle:1.12.0");
    for (int i = 0; i < lines.length - 1; i++) {
      assertThat(lines[i]).endsWith(" \\");
    }
    for (int i = 1; i < lines.length; i++) {
      assertThat(lines[i]).matches("  --conf [a-zA-Z0-9.-]+=\\S+( \\\\)?");
    }
    assertThat(s.spark()).contains("--conf spark.sql.catalog.otlake.type=rest")
        .contains("--conf spark.sql.catalog.otlake.uri=http://localhost:8181")
        .contains("--conf spark.sql.catalog.otlake.s3.endpoint=http://127.0.0.1:9000");
  }

  @Test
  void duckdbGetsAnS3SecretWithoutTheSchemeAndAttachesTheRestCatalog() {
    assertThat(s.duckdb()).contains("ENDPOINT '127.0.0.1:9000', URL_STYLE 'path', USE_SSL false")
        .contains("ATTACH 'otlake' AS otlake (TYPE iceberg, ENDPOINT 'http://localhost:8181', "
            + "AUTHORIZATION_TYPE 'none');");
    assertThat(s.duckdb().lines()).allMatch(l -> l.endsWith(";"));
  }

  @Test
  void pyicebergLoadsTheCatalogByUri() {
    assertThat(s.pyiceberg()).contains("load_catalog(\"otlake\"").contains("\"uri\": \"http://localhost:8181\"")
        .contains("\"s3.endpoint\": \"http://127.0.0.1:9000\"").contains("load_table(\"otel.traces\")");
  }
}
