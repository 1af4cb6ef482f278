package io.otlake.local;

import java.util.List;

/**
 * What {@code ./otlake local} prints for each query engine, ready to paste: a Trino catalog file, {@code spark-sql}
 * options, DuckDB statements and a PyIceberg snippet, all on the REST catalog and the S3 server of this lake.
 *
 * @param restUri the REST catalog's base URI, e.g. {@code http://localhost:8181}
 * @param s3Endpoint the S3 server, e.g. {@code http://127.0.0.1:9000}
 * @param icebergVersion the Iceberg release this build uses (Spark's runtime jar of the same version)
 */
record EngineSnippets(String catalog, String restUri, String s3Endpoint, String accessKey, String secretKey,
    String region, String icebergVersion) {

  /** {@code etc/catalog/<catalog>.properties} of Trino's Iceberg connector, native S3 file system. */
  String trino() {
    return String.join("\n",
        "connector.name=iceberg",
        "iceberg.catalog.type=rest",
        "iceberg.rest-catalog.uri=" + restUri,
        "fs.native-s3.enabled=true",
        "s3.endpoint=" + s3Endpoint,
        "s3.region=" + region,
        "s3.path-style-access=true",
        "s3.aws-access-key=" + accessKey,
        "s3.aws-secret-key=" + secretKey);
  }

  /** {@code spark-sql} with Iceberg's runtime and AWS bundle, a REST catalog and S3FileIO: {@link #sparkConf()}. */
  String spark() {
    List<String> lines = new java.util.ArrayList<>();
    lines.add("spark-sql --packages org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:" + icebergVersion
        + ",org.apache.iceberg:iceberg-aws-bundle:" + icebergVersion);
    sparkConf().forEach((k, v) -> lines.add("  --conf " + k + "=" + v));
    return String.join(" \\\n", lines);
  }

  /** The Spark settings of {@link #spark()}'s {@code --conf} lines, in their order (the engine tests run with them). */
  java.util.Map<String, String> sparkConf() {
    String c = "spark.sql.catalog." + catalog;
    java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();
    conf.put("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    conf.put(c, "org.apache.iceberg.spark.SparkCatalog");
    conf.put(c + ".type", "rest");
    conf.put(c + ".uri", restUri);
    conf.put(c + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    conf.put(c + ".s3.endpoint", s3Endpoint);
    conf.put(c + ".s3.path-style-access", "true");
    conf.put(c + ".s3.access-key-id", accessKey);
    conf.put(c + ".s3.secret-access-key", secretKey);
    conf.put(c + ".s3.chunked-encoding-enabled", "false");
    conf.put(c + ".client.region", region);
    conf.put("spark.sql.defaultCatalog", catalog);
    return conf;
  }

  /** DuckDB (1.4 or newer): the iceberg and httpfs extensions, an S3 secret, the REST catalog attached. */
  String duckdb() {
    String hostPort = s3Endpoint.replaceFirst("^https?://", "");
    return String.join("\n",
        "INSTALL iceberg; LOAD iceberg; INSTALL httpfs; LOAD httpfs;",
        "CREATE SECRET " + catalog + "_s3 (TYPE s3, KEY_ID '" + accessKey + "', SECRET '" + secretKey
            + "', ENDPOINT '" + hostPort + "', URL_STYLE 'path', USE_SSL false, REGION '" + region + "');",
        "ATTACH '" + catalog + "' AS " + catalog + " (TYPE iceberg, ENDPOINT '" + restUri
            + "', AUTHORIZATION_TYPE 'none');",
        "SELECT service_name, count(*) FROM " + catalog + ".otel.traces GROUP BY 1;");
  }

  /** PyIceberg ({@code pip install "pyiceberg[pyarrow]"}). */
  String pyiceberg() {
    return String.join("\n",
        "from pyiceberg.catalog import load_catalog",
        "catalog = load_catalog(\"" + catalog + "\", **{",
        "    \"type\": \"rest\", \"uri\": \"" + restUri + "\",",
        "    \"s3.endpoint\": \"" + s3Endpoint + "\", \"s3.access-key-id\": \"" + accessKey + "\",",
        "    \"s3.secret-access-key\": \"" + secretKey + "\", \"s3.region\": \"" + region + "\",",
        "})",
        "print(catalog.load_table(\"otel.traces\").scan(limit=10).to_arrow())");
  }

  /** All four, headed, as printed at start. */
  String all() {
    return String.join("\n",
        "Query it (the REST catalog gives clients the S3 settings too; these snippets spell them out):",
        "--- Trino: etc/catalog/" + catalog + ".properties",
        trino(),
        "--- Spark SQL",
        spark(),
        "--- DuckDB",
        duckdb(),
        "--- PyIceberg",
        pyiceberg(),
        "---");
  }
}
