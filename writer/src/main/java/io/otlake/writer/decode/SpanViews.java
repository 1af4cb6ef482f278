package io.otlake.writer.decode;

/**
 * The values of the {@code traces} table's columns for a {@link SpanView}, by field position in
 * {@link io.otlake.writer.table.TraceTable#SCHEMA} (and in its event and link structs). Strings are {@link Slice}s,
 * empty optional strings are null, maps are {@link AttrList.Pairs}, lists are the view's events and links.
 */
public final class SpanViews {
  private SpanViews() {}

  public static Object field(SpanView s, int index) {
    return switch (index) {
      case 0 -> s.startMicros();
      case 1 -> s.traceId;
      case 2 -> s.spanId;
      case 3 -> orNull(s.parentSpanId);
      case 4 -> s.resource.serviceName == null ? null : s.resource.serviceNameSlice;
      case 5 -> s.name;
      case 6 -> s.kind;
      case 7 -> (s.endNanos - s.startNanos) / 1e6;
      case 8 -> s.statusCode;
      case 9 -> orNull(s.statusMessage);
      case 10 -> s.attributes.values();
      case 11 -> s.resource.resourceAttributes.values();
      case 12 -> s.events;
      case 13 -> s.endMicros();
      case 14 -> orNull(s.traceState);
      case 15 -> s.flags;
      case 16 -> s.attributes.types();
      case 17 -> s.droppedAttributes;
      case 18 -> s.resource.resourceAttributes.types();
      case 19 -> s.resource.resourceDropped;
      case 20 -> s.resource.hasResourceSchemaUrl ? s.resource.resourceSchemaUrl : null;
      case 21 -> orNull(s.scope.scopeName);
      case 22 -> orNull(s.scope.scopeVersion);
      case 23 -> s.scope.scopeAttributes.values();
      case 24 -> s.scope.scopeAttributes.types();
      case 25 -> orNull(s.scope.scopeSchemaUrl);
      case 26 -> s.droppedEvents;
      case 27 -> s.links;
      case 28 -> s.droppedLinks;
      default -> throw new IllegalArgumentException("no field " + index);
    };
  }

  public static Object field(SpanView.EventView e, int index) {
    return switch (index) {
      case 0 -> Math.floorDiv(e.timeNanos, 1000);
      case 1 -> e.name;
      case 2 -> e.attributes.values();
      case 3 -> e.attributes.types();
      case 4 -> e.dropped;
      default -> throw new IllegalArgumentException("no event field " + index);
    };
  }

  public static Object field(SpanView.LinkView l, int index) {
    return switch (index) {
      case 0 -> l.traceId;
      case 1 -> l.spanId;
      case 2 -> orNull(l.traceState);
      case 3 -> l.flags;
      case 4 -> l.attributes.values();
      case 5 -> l.attributes.types();
      case 6 -> l.dropped;
      default -> throw new IllegalArgumentException("no link field " + index);
    };
  }

  private static Slice orNull(Slice s) {
    return s.len == 0 ? null : s;
  }
}
