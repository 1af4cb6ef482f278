package io.otlake.writer.columns;

import static io.otlake.writer.columns.AttrColumns.string;

import io.otlake.writer.decode.Envelopes;
import io.otlake.writer.parquet.FieldWriter;
import io.otlake.writer.parquet.RowWriter;

/**
 * The columns every table has for an item's resource and scope, named alike in every schema: {@code service_name},
 * {@code resource_attributes} and {@code resource_attribute_types} (through {@link AttrColumns.Cached}: they repeat
 * row after row), {@code resource_dropped_attributes_count}, {@code resource_schema_url}, {@code scope_name},
 * {@code scope_version}, {@code scope_attributes}, {@code scope_attribute_types},
 * {@code scope_dropped_attributes_count}, {@code scope_schema_url}. A column the table's schema lacks is skipped.
 */
public final class EnvelopeColumns {
  private final FieldWriter serviceName;
  private final AttrColumns.Cached resourceAttributes;
  private final AttrColumns.Cached resourceAttributeTypes;
  private final FieldWriter resourceDropped;
  private final FieldWriter resourceSchemaUrl;
  private final FieldWriter scopeName;
  private final FieldWriter scopeVersion;
  private final AttrColumns.Cached scopeAttributes;
  private final AttrColumns.Cached scopeAttributeTypes;
  private final FieldWriter scopeDropped;
  private final FieldWriter scopeSchemaUrl;

  public EnvelopeColumns(RowWriter row) {
    serviceName = row.fieldIfPresent("service_name");
    resourceAttributes = new AttrColumns.Cached(row.fieldIfPresent("resource_attributes"), false);
    resourceAttributeTypes = new AttrColumns.Cached(row.fieldIfPresent("resource_attribute_types"), true);
    resourceDropped = row.fieldIfPresent("resource_dropped_attributes_count");
    resourceSchemaUrl = row.fieldIfPresent("resource_schema_url");
    scopeName = row.fieldIfPresent("scope_name");
    scopeVersion = row.fieldIfPresent("scope_version");
    scopeAttributes = new AttrColumns.Cached(row.fieldIfPresent("scope_attributes"), false);
    scopeAttributeTypes = new AttrColumns.Cached(row.fieldIfPresent("scope_attribute_types"), true);
    scopeDropped = row.fieldIfPresent("scope_dropped_attributes_count");
    scopeSchemaUrl = row.fieldIfPresent("scope_schema_url");
  }

  /** The current row's resource and scope columns. */
  public void write(Envelopes.Resource resource, Envelopes.Scope scope) {
    string(serviceName, resource.serviceNameText());
    resourceAttributes.write(resource.attributes());
    resourceAttributeTypes.write(resource.attributes());
    resourceDropped.writeInt(resource.droppedAttributes());
    string(resourceSchemaUrl, resource.schemaUrl());
    string(scopeName, scope.name());
    string(scopeVersion, scope.version());
    scopeAttributes.write(scope.attributes());
    scopeAttributeTypes.write(scope.attributes());
    scopeDropped.writeInt(scope.droppedAttributes());
    string(scopeSchemaUrl, scope.schemaUrl());
  }
}
