package io.otlake.writer;

import io.otlake.proto.ops.Readiness;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The writer's {@code /readyz} checks: Kafka answers a metadata request (describe cluster, through an admin client
 * with the consumer's connection settings), and the catalog loads the table (which reads its current metadata file
 * from object storage, so a frozen S3 counts too). Each runs in the background ({@link Readiness}).
 */
final class WriterReadiness implements AutoCloseable {
  private final Admin admin;
  private final Readiness readiness;

  private WriterReadiness(Admin admin, Readiness readiness) {
    this.admin = admin;
    this.readiness = readiness;
  }

  static WriterReadiness start(Map<String, Object> consumerProperties, String bootstrapServers, Catalog catalog,
      TableIdentifier table, Duration interval, Duration timeout) {
    Map<String, Object> p = new HashMap<>();
    consumerProperties.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        p.put(k, v);
      }
    });
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "otlake-writer-ready");
    Admin admin = Admin.create(p);
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put("kafka at " + bootstrapServers, t -> {
      if (admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) t.toMillis())).nodes()
          .get(t.toMillis() + 500, TimeUnit.MILLISECONDS).isEmpty()) {
        throw new IllegalStateException("the cluster has no brokers");
      }
    });
    checks.put("catalog table " + table, t -> catalog.loadTable(table));
    return new WriterReadiness(admin, Readiness.start(checks, interval, timeout));
  }

  Readiness readiness() {
    return readiness;
  }

  @Override
  public void close() {
    readiness.close();
    admin.close(Duration.ofSeconds(1));
  }
}
