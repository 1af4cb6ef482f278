package io.otlake.gateway.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The readiness check of Kafka: a metadata request (describe cluster) through an admin client made with the
 * producer's connection settings (bootstrap, security), answered within the timeout or failed.
 */
public final class KafkaReachability implements AutoCloseable {
  private final Admin admin;

  /** @param clientProperties producer or consumer properties; those an admin client does not take are left out */
  public KafkaReachability(Map<String, Object> clientProperties, String clientId) {
    Map<String, Object> p = new HashMap<>();
    clientProperties.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        p.put(k, v);
      }
    });
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    this.admin = Admin.create(p);
  }

  public void check(Duration timeout) throws Exception {
    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
        .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
    if (nodes == 0) {
      throw new IllegalStateException("the cluster has no brokers");
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(1));
  }
}
