package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.gateway.GatewayServer;
import io.otlake.local.rest.RestCatalogServer;
import io.otlake.writer.WriterService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * A writer whose REST catalog becomes unreachable (the connection path to it cut: connections reset, new ones
 * refused) while spans keep arriving: its commits fail, it says so on {@code /readyz}, and once the catalog is
 * reachable again it writes on by itself, every acknowledged span stored exactly once. (Before, the loop's retry read
 * the table's position right away, failed again, and the loop ended: a live, ready-looking writer that wrote nothing.)
 */
class CatalogOutageIT {
  @Test
  void aWriterWhoseCatalogIsUnreachableStallsAndWritesOnByItselfAfterwards() throws Exception {
    String topic = "outage_spans";
    String table = "traces_outage";
    LocalInfra infra = TestLake.infra();
    Catalog catalog = TestLake.catalog();
    try (RestCatalogServer rest = RestCatalogServer.start(TestLake.catalog(), infra.objectStoreProperties(),
            "127.0.0.1", 0);
        TcpCut path = TcpCut.start(rest.port());
        GatewayServer gateway = TestLake.gateway(topic, Map.of());
        AckedLoad load = new AckedLoad(gateway, "outage");
        WriterService writer = TestLake.writer(topic, table, Map.of(
            "iceberg.catalog.type", "rest",
            "iceberg.catalog.uri", "http://127.0.0.1:" + path.port(),
            "readiness.interval", "200ms",
            "readiness.timeout", "1s"))) {
      load.send(20);
      int before = load.acked.size();
      TestLake.awaitRows(catalog, table, Duration.ofSeconds(60), rows -> rows.size() >= before);
      assertThat(readyz(writer)).isEqualTo(200);

      path.cut();
      boolean noticed = false;
      for (int i = 0; i < 40; i++) { // 8 s of load with the catalog unreachable: several commits fail
        load.send(1);
        noticed |= readyz(writer) == 503;
        ChildJvm.sleep(200);
      }
      assertThat(noticed).as("/readyz answered 503 while the catalog was unreachable").isTrue();
      path.restore();

      double committed = committedRows(writer);
      load.send(20);
      int expected = load.acked.size();
      TestLake.awaitRows(catalog, table, Duration.ofSeconds(120), rows -> rows.size() >= expected);
      ChildJvm.sleep(2000); // a late duplicate commit would show here
      List<String> ids = new ArrayList<>();
      TestLake.rows(catalog, table).forEach(r -> ids.add((String) r.getField("span_id")));
      assertThat(ids).as("no span stored twice").doesNotHaveDuplicates();
      assertThat(Set.copyOf(ids)).isEqualTo(load.acked);
      assertThat(committedRows(writer)).as("rows committed after the outage").isGreaterThan(committed);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (readyz(writer) != 200 && System.nanoTime() < deadline) {
        ChildJvm.sleep(200);
      }
      assertThat(readyz(writer)).as("ready again").isEqualTo(200);
    }
  }

  private static double committedRows(WriterService writer) {
    return writer.meterRegistry().find("otlake.writer.rows.committed").tag("signal", "traces").counter().count();
  }

  private static int readyz(WriterService writer) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + writer.metricsPort() + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
