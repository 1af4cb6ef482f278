package io.otlake.local.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTRequest;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.ReportMetricsRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;

/**
 * The operations of the Iceberg REST catalog protocol that {@link RestCatalogServer} serves: the method, the path
 * pattern of the REST spec ({@code {name}} segments are variables, {@code {prefix}} left out since the server
 * announces none) and the JSON body it takes. Each is also announced in the {@code config} answer's endpoints, so a
 * client calls only these.
 */
enum RestRoute {
  CONFIG("GET", "/v1/config", null),
  LIST_NAMESPACES("GET", "/v1/namespaces", null),
  CREATE_NAMESPACE("POST", "/v1/namespaces", CreateNamespaceRequest.class),
  NAMESPACE_EXISTS("HEAD", "/v1/namespaces/{namespace}", null),
  LOAD_NAMESPACE("GET", "/v1/namespaces/{namespace}", null),
  DROP_NAMESPACE("DELETE", "/v1/namespaces/{namespace}", null),
  UPDATE_NAMESPACE("POST", "/v1/namespaces/{namespace}/properties", UpdateNamespacePropertiesRequest.class),
  LIST_TABLES("GET", "/v1/namespaces/{namespace}/tables", null),
  CREATE_TABLE("POST", "/v1/namespaces/{namespace}/tables", CreateTableRequest.class),
  REGISTER_TABLE("POST", "/v1/namespaces/{namespace}/register", RegisterTableRequest.class),
  TABLE_EXISTS("HEAD", "/v1/namespaces/{namespace}/tables/{table}", null),
  LOAD_TABLE("GET", "/v1/namespaces/{namespace}/tables/{table}", null),
  UPDATE_TABLE("POST", "/v1/namespaces/{namespace}/tables/{table}", UpdateTableRequest.class),
  DROP_TABLE("DELETE", "/v1/namespaces/{namespace}/tables/{table}", null),
  REPORT_METRICS("POST", "/v1/namespaces/{namespace}/tables/{table}/metrics", ReportMetricsRequest.class),
  RENAME_TABLE("POST", "/v1/tables/rename", RenameTableRequest.class),
  LIST_VIEWS("GET", "/v1/namespaces/{namespace}/views", null),
  CREATE_VIEW("POST", "/v1/namespaces/{namespace}/views", CreateViewRequest.class),
  VIEW_EXISTS("HEAD", "/v1/namespaces/{namespace}/views/{view}", null),
  LOAD_VIEW("GET", "/v1/namespaces/{namespace}/views/{view}", null),
  UPDATE_VIEW("POST", "/v1/namespaces/{namespace}/views/{view}", UpdateTableRequest.class),
  DROP_VIEW("DELETE", "/v1/namespaces/{namespace}/views/{view}", null),
  RENAME_VIEW("POST", "/v1/views/rename", RenameTableRequest.class);

  private final String method;
  private final String pattern;
  private final String[] segments;
  private final Class<? extends RESTRequest> body;

  RestRoute(String method, String pattern, Class<? extends RESTRequest> body) {
    this.method = method;
    this.pattern = pattern;
    this.segments = pattern.substring(1).split("/");
    this.body = body;
  }

  String method() {
    return method;
  }

  /** The JSON body's class, or null for an operation without one. */
  Class<? extends RESTRequest> body() {
    return body;
  }

  /** As announced in the config answer: the spec's path, with the {@code {prefix}} segment clients match on. */
  Endpoint endpoint() {
    return Endpoint.create(method, pattern.replaceFirst("^/v1/", "/v1/{prefix}/"));
  }

  /** A request's route and its path variables (raw, still percent-encoded). */
  record Match(RestRoute route, Map<String, String> variables) {}

  /**
   * The route of {@code method} and {@code rawPath} (split at '/', one pass); null when none has the path. When the
   * path is known under other methods only, {@link #methodsFor} names them.
   */
  static Match match(String method, String rawPath) {
    String[] parts = split(rawPath);
    if (parts == null) {
      return null;
    }
    for (RestRoute r : values()) {
      if (r.method.equals(method)) {
        Map<String, String> vars = r.variables(parts);
        if (vars != null) {
          return new Match(r, vars);
        }
      }
    }
    return null;
  }

  /** The methods the path is served under (empty: no such path). */
  static List<String> methodsFor(String rawPath) {
    String[] parts = split(rawPath);
    List<String> methods = new ArrayList<>();
    if (parts != null) {
      for (RestRoute r : values()) {
        if (r.variables(parts) != null && !methods.contains(r.method)) {
          methods.add(r.method);
        }
      }
    }
    return methods;
  }

  private static String[] split(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return null;
    }
    String p = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
    return p.substring(1).split("/", -1);
  }

  private Map<String, String> variables(String[] parts) {
    if (parts.length != segments.length) {
      return null;
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String s = segments[i];
      if (s.startsWith("{")) {
        if (parts[i].isEmpty()) {
          return null;
        }
        vars.put(s.substring(1, s.length() - 1), parts[i]);
      } else if (!s.equals(parts[i])) {
        return null;
      }
    }
    return vars;
  }
}
