package io.otlake.local.rest;

import java.util.Arrays;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.RESTCatalogProperties.SnapshotMode;
import org.apache.iceberg.rest.RESTRequest;
import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;

/**
 * One REST catalog operation on the catalog behind it, through iceberg-core's {@link CatalogHandlers} (the server
 * side of the protocol Iceberg ships): this class only picks the handler for a route and reads its path and query
 * variables. Exceptions are the catalog's own ({@code NoSuchTableException}, ...); {@link RestErrors} turns them
 * into the protocol's error answers.
 */
final class RestCatalogHandler {
  private static final String NAMESPACE_SEPARATOR = "%1F";

  private final Catalog catalog;
  private final SupportsNamespaces namespaces;
  private final ViewCatalog views;
  private final Map<String, String> clientDefaults;

  /**
   * @param clientDefaults what every client is told in the {@code config} answer's defaults and in each table
   *     answer's config: the object store's endpoint and keys, so a client needs only the catalog's URI
   */
  RestCatalogHandler(Catalog catalog, Map<String, String> clientDefaults) {
    if (!(catalog instanceof SupportsNamespaces ns)) {
      throw new IllegalArgumentException("the catalog " + catalog.name() + " does not support namespaces");
    }
    this.catalog = catalog;
    this.namespaces = ns;
    this.views = catalog instanceof ViewCatalog v ? v : null;
    this.clientDefaults = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clientDefaults));
  }

  /** The answer to {@code route}; null for operations answered without a body (204). */
  RESTResponse handle(RestRoute route, Map<String, String> path, Map<String, String> query, RESTRequest body) {
    switch (route) {
      case CONFIG:
        return ConfigResponse.builder()
            .withDefaults(clientDefaults)
            .withEndpoints(Arrays.stream(RestRoute.values())
                .filter(r -> r != RestRoute.CONFIG && (views != null || !r.name().contains("VIEW")))
                .map(RestRoute::endpoint).toList())
            .build();
      case LIST_NAMESPACES: {
        String parent = query.get("parent");
        Namespace ns = parent == null ? Namespace.empty() : RESTUtil.namespaceFromQueryParam(parent);
        String pageSize = query.get("pageSize");
        return pageSize == null ? CatalogHandlers.listNamespaces(namespaces, ns)
            : CatalogHandlers.listNamespaces(namespaces, ns, query.get("pageToken"), pageSize);
      }
      case CREATE_NAMESPACE:
        return CatalogHandlers.createNamespace(namespaces, (CreateNamespaceRequest) body);
      case NAMESPACE_EXISTS:
        CatalogHandlers.namespaceExists(namespaces, namespace(path));
        return null;
      case LOAD_NAMESPACE:
        return CatalogHandlers.loadNamespace(namespaces, namespace(path));
      case DROP_NAMESPACE:
        CatalogHandlers.dropNamespace(namespaces, namespace(path));
        return null;
      case UPDATE_NAMESPACE:
        return CatalogHandlers.updateNamespaceProperties(namespaces, namespace(path),
            (UpdateNamespacePropertiesRequest) body);
      case LIST_TABLES: {
        String pageSize = query.get("pageSize");
        return pageSize == null ? CatalogHandlers.listTables(catalog, namespace(path))
            : CatalogHandlers.listTables(catalog, namespace(path), query.get("pageToken"), pageSize);
      }
      case CREATE_TABLE: {
        CreateTableRequest create = (CreateTableRequest) body;
        create.validate();
        return withClientConfig(create.stageCreate()
            ? CatalogHandlers.stageTableCreate(catalog, namespace(path), create)
            : CatalogHandlers.createTable(catalog, namespace(path), create));
      }
      case REGISTER_TABLE:
        return withClientConfig(CatalogHandlers.registerTable(catalog, namespace(path), (RegisterTableRequest) body));
      case TABLE_EXISTS:
        CatalogHandlers.tableExists(catalog, table(path, "table"));
        return null;
      case LOAD_TABLE:
        return withClientConfig(CatalogHandlers.loadTable(catalog, table(path, "table"), snapshots(query)));
      case UPDATE_TABLE:
        return withClientConfig(CatalogHandlers.updateTable(catalog, table(path, "table"), (UpdateTableRequest) body));
      case DROP_TABLE:
        if (Boolean.parseBoolean(query.get("purgeRequested"))) {
          CatalogHandlers.purgeTable(catalog, table(path, "table"));
        } else {
          CatalogHandlers.dropTable(catalog, table(path, "table"));
        }
        return null;
      case REPORT_METRICS:
        return null; // scan and commit reports: accepted, not kept
      case RENAME_TABLE:
        CatalogHandlers.renameTable(catalog, (RenameTableRequest) body);
        return null;
      default:
        return handleView(route, path, query, body);
    }
  }

  private RESTResponse handleView(RestRoute route, Map<String, String> path, Map<String, String> query,
      RESTRequest body) {
    if (views == null) {
      throw new UnsupportedOperationException("the catalog " + catalog.name() + " has no views");
    }
    switch (route) {
      case LIST_VIEWS: {
        String pageSize = query.get("pageSize");
        return pageSize == null ? CatalogHandlers.listViews(views, namespace(path))
            : CatalogHandlers.listViews(views, namespace(path), query.get("pageToken"), pageSize);
      }
      case CREATE_VIEW:
        return CatalogHandlers.createView(views, namespace(path), (CreateViewRequest) body);
      case VIEW_EXISTS:
        CatalogHandlers.viewExists(views, table(path, "view"));
        return null;
      case LOAD_VIEW:
        return CatalogHandlers.loadView(views, table(path, "view"));
      case UPDATE_VIEW:
        return CatalogHandlers.updateView(views, table(path, "view"), (UpdateTableRequest) body);
      case DROP_VIEW:
        CatalogHandlers.dropView(views, table(path, "view"));
        return null;
      case RENAME_VIEW:
        CatalogHandlers.renameView(views, (RenameTableRequest) body);
        return null;
      default:
        throw new IllegalStateException("unrouted " + route);
    }
  }

  /** The table answer with the object store's settings in its config (clients give them to the table's FileIO). */
  private LoadTableResponse withClientConfig(LoadTableResponse r) {
    return LoadTableResponse.builder().withTableMetadata(r.tableMetadata()).addAllConfig(r.config())
        .addAllConfig(clientDefaults).build();
  }

  private static SnapshotMode snapshots(Map<String, String> query) {
    String mode = query.get("snapshots");
    if (mode == null || mode.equalsIgnoreCase("all")) {
      return SnapshotMode.ALL;
    }
    if (mode.equalsIgnoreCase("refs")) {
      return SnapshotMode.REFS;
    }
    throw new BadRequestException("snapshots must be all or refs, got '%s'", mode);
  }

  private static Namespace namespace(Map<String, String> path) {
    return RESTUtil.decodeNamespace(path.get("namespace"), NAMESPACE_SEPARATOR);
  }

  private static TableIdentifier table(Map<String, String> path, String variable) {
    return TableIdentifier.of(namespace(path), RESTUtil.decodeString(path.get(variable)));
  }
}
