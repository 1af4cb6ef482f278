package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.gateway.GatewayServer;
import io.otlake.local.rest.RestCatalogServer;
import io.otlake.writer.WriterService;
import io.otlake.writer.table.Catalogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Local mode's Iceberg REST catalog, read by an independent client (iceberg-core's own {@link RESTCatalog}) that
 * is given nothing but the catalog's URI: the S3 settings come from the server's config answer. Spans sent through
 * the gateway and committed by the writer are found by a scan through that client; the client can also create,
 * append to, rename and drop tables; errors come back as the REST spec's error answers.
 */
class RestCatalogIT {
  private static RestCatalogServer server;
  private static String uri;

  @BeforeAll
  static void startServer() {
    LocalInfra infra = TestLake.infra();
    server = RestCatalogServer.start(Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties()),
        infra.objectStoreProperties(), "127.0.0.1", 0);
    uri = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static RESTCatalog client() {
    RESTCatalog c = new RESTCatalog();
    c.initialize("engine", Map.of("uri", uri));
    return c;
  }

  @Test
  void anIndependentClientGivenOnlyTheUriReadsTheSpansTheWriterCommitted() throws Exception {
    String topic = "rest_spans";
    String table = "traces_rest";
    Set<String> sent;
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of());
        WriterService writer = TestLake.writer(topic, table, Map.of());
        AckedLoad load = new AckedLoad(gateway, "rest-svc")) {
      load.send(4);
      sent = Set.copyOf(load.acked);
      TestLake.awaitRows(TestLake.catalog(), table, Duration.ofSeconds(90), rows -> rows.size() >= sent.size());
    }

    try (RESTCatalog rest = client()) {
      assertThat(rest.listNamespaces()).contains(Namespace.of("otel"));
      assertThat(rest.namespaceExists(Namespace.of("otel"))).isTrue();
      TableIdentifier id = TableIdentifier.of("otel", table);
      assertThat(rest.listTables(Namespace.of("otel"))).contains(id);
      assertThat(rest.tableExists(id)).isTrue();
      Table t = rest.loadTable(id);
      assertThat(t.spec().fields()).extracting(f -> f.name()).contains("service_name");
      List<String> spanIds = new ArrayList<>();
      List<String> services = new ArrayList<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
        for (Record r : rows) {
          spanIds.add((String) r.getField("span_id"));
          services.add((String) r.getField("service_name"));
        }
      }
      assertThat(spanIds).doesNotHaveDuplicates();
      assertThat(new HashSet<>(spanIds)).isEqualTo(sent);
      assertThat(services).containsOnly("rest-svc");
    }
  }

  @Test
  void theConfigAnswerCarriesTheObjectStoreSettingsAndTheServedEndpoints() throws Exception {
    HttpResponse<String> config = get("/v1/config");
    assertThat(config.statusCode()).isEqualTo(200);
    Map<String, String> store = TestLake.infra().objectStoreProperties();
    assertThat(store).containsKeys("s3.endpoint", "s3.path-style-access", "s3.access-key-id",
        "s3.secret-access-key", "client.region");
    for (Map.Entry<String, String> e : store.entrySet()) {
      assertThat(config.body()).contains("\"" + e.getKey() + "\":\"" + e.getValue() + "\"");
    }
    assertThat(config.body()).contains("GET /v1/{prefix}/namespaces/{namespace}/tables/{table}")
        .contains("POST /v1/{prefix}/namespaces/{namespace}/tables/{table}");
  }

  @Test
  void aClientCreatesAppendsRenamesAndDropsThroughTheRestCatalog() throws Exception {
    Namespace ns = Namespace.of("rest_it_" + UUID.randomUUID().toString().substring(0, 8));
    Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "name", Types.StringType.get()));
    try (RESTCatalog rest = client()) {
      rest.createNamespace(ns, new java.util.HashMap<>(Map.of("owner", "it")));
      assertThat(rest.loadNamespaceMetadata(ns)).containsEntry("owner", "it");
      assertThatThrownBy(() -> rest.createNamespace(ns)).isInstanceOf(AlreadyExistsException.class);
      TableIdentifier id = TableIdentifier.of(ns, "t");
      Table t = rest.createTable(id, schema, PartitionSpec.unpartitioned());
      assertThatThrownBy(() -> rest.createTable(id, schema)).isInstanceOf(AlreadyExistsException.class);

      // an append: a data file written through the client's FileIO (the S3 keys from the config answer), then a
      // commit (the update-table route with its requirements)
      OutputFileFactory files = OutputFileFactory.builderFor(t, 1, 1).format(FileFormat.PARQUET).build();
      DataWriter<Record> w = new GenericFileWriterFactory.Builder(t).dataFileFormat(FileFormat.PARQUET)
          .dataSchema(t.schema()).build().newDataWriter(files.newOutputFile(), t.spec(), null);
      try (w) {
        for (long i = 1; i <= 3; i++) {
          GenericRecord r = GenericRecord.create(t.schema());
          r.setField("id", i);
          r.setField("name", "row-" + i);
          w.write(r);
        }
      }
      DataFile file = w.toDataFile();
      t.newAppend().appendFile(file).commit();
      t.updateProperties().set("otlake.test", "yes").commit();

      Table again = client().loadTable(id);
      assertThat(again.properties()).containsEntry("otlake.test", "yes");
      assertThat(read(again)).containsExactlyInAnyOrder("row-1", "row-2", "row-3");

      // an append from a copy of the table loaded before another commit: the server refuses it (409, the
      // snapshot it was based on is no longer current), the client refreshes and commits again on the new one
      Table stale = client().loadTable(id);
      t.newAppend().appendFile(file).commit();
      stale.newAppend().appendFile(file).commit();
      assertThat(read(client().loadTable(id))).hasSize(9);

      TableIdentifier renamed = TableIdentifier.of(ns, "t2");
      rest.renameTable(id, renamed);
      assertThat(rest.tableExists(id)).isFalse();
      assertThat(read(rest.loadTable(renamed))).hasSize(9);
      assertThatThrownBy(() -> rest.dropNamespace(ns)).isInstanceOf(NamespaceNotEmptyException.class);
      assertThat(rest.dropTable(renamed, false)).isTrue();
      assertThat(rest.dropTable(renamed, false)).isFalse();
      assertThat(rest.dropNamespace(ns)).isTrue();
      assertThat(rest.namespaceExists(ns)).isFalse();
    }
  }

  @Test
  void errorsAreTheSpecsErrorAnswersAndTheClientThrowsTheMatchingExceptions() throws Exception {
    try (RESTCatalog rest = client()) {
      assertThatThrownBy(() -> rest.loadTable(TableIdentifier.of("otel", "no_such_table")))
          .isInstanceOf(NoSuchTableException.class).hasMessageContaining("no_such_table");
      assertThatThrownBy(() -> rest.loadTable(TableIdentifier.of("no_such_ns", "t")))
          .isInstanceOf(NoSuchTableException.class);
      assertThatThrownBy(() -> rest.loadNamespaceMetadata(Namespace.of("no_such_ns")))
          .isInstanceOf(NoSuchNamespaceException.class);
      assertThat(rest.tableExists(TableIdentifier.of("otel", "no_such_table"))).isFalse();
      assertThat(rest.namespaceExists(Namespace.of("no_such_ns"))).isFalse();
    }

    HttpResponse<String> missing = get("/v1/namespaces/otel/tables/no_such_table");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(missing.body()).contains("\"type\":\"NoSuchTableException\"").contains("\"code\":404");

    HttpResponse<String> noNamespace = get("/v1/namespaces/no_such_ns");
    assertThat(noNamespace.statusCode()).isEqualTo(404);
    assertThat(noNamespace.body()).contains("\"type\":\"NoSuchNamespaceException\"");

    HttpResponse<String> noRoute = get("/v1/nothing/here");
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(noRoute.body()).contains("\"code\":404").contains("no such endpoint");

    HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(URI.create(uri + "/v1/config"))
        .DELETE().build());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");

    HttpResponse<String> badJson = send(HttpRequest.newBuilder(URI.create(uri + "/v1/namespaces"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"namespace\": [\"a\"")).build());
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(badJson.body()).contains("\"type\":\"BadRequestException\"").contains("malformed request body");

    HttpResponse<String> noBody = send(HttpRequest.newBuilder(URI.create(uri + "/v1/namespaces"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(noBody.statusCode()).isEqualTo(400);

    HttpResponse<String> badMode = get("/v1/namespaces/otel/tables/traces_rest?snapshots=some");
    assertThat(badMode.statusCode()).isEqualTo(400);

    // a body over 8 MiB is refused from its Content-Length, before it is read: announce one and send none of it
    // (an HTTP client sending the body would race the server's early answer and close)
    URI base = URI.create(uri);
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST /v1/namespaces HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + ((8 << 20) + 1) + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      assertThat(status).startsWith("HTTP/1.1 413");
    }
  }

  private static List<String> read(Table t) throws IOException {
    List<String> names = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(r -> names.add((String) r.getField("name")));
    }
    return names;
  }

  private static HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(uri + path)).GET().build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
