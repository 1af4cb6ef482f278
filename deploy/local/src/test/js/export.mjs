// The OpenTelemetry JS SDK as an application uses it, exporting OTLP/HTTP with JSON bodies (the JS exporters'
// default encoding) to otlake's gateway: spans, log records and metrics, then flush and shut down. Run by
// deploy/local's JsSdkIT: `node export.mjs` with OTLAKE_URL (the gateway's http://host:port), OTLAKE_SERVICE (the
// service.name of this run) and OTLAKE_COMPRESSION (none or gzip). Prints one JSON line with the ids it made; exits
// non-zero when an export failed or the SDK reported any error or warning.
import { context, diag, DiagLogLevel, trace, SpanKind, SpanStatusCode, ValueType } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, AggregationType } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';

const url = process.env.OTLAKE_URL;
const service = process.env.OTLAKE_SERVICE;
const compression = process.env.OTLAKE_COMPRESSION === 'gzip' ? 'gzip' : 'none';
if (!url || !service) {
  console.error('OTLAKE_URL and OTLAKE_SERVICE are required');
  process.exit(2);
}

const problems = [];
diag.setLogger({
  error: (...a) => problems.push('error: ' + a.join(' ')),
  warn: (...a) => problems.push('warn: ' + a.join(' ')),
  info: () => {}, debug: () => {}, verbose: () => {},
}, DiagLogLevel.WARN);
setGlobalErrorHandler((e) => problems.push('global error: ' + (e && e.stack ? e.stack : String(e))));

const resource = defaultResource().merge(
  resourceFromAttributes({ 'service.name': service, 'service.version': '1.2.3', 'host.arch': 'amd64' }));
const options = (signal) => ({ url: `${url}/v1/${signal}`, compression, timeoutMillis: 30000 });

const tracerProvider = new TracerProvider({
  resource, spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(options('traces')) })],
});
const loggerProvider = new LoggerProvider({
  resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(options('logs')) })],
});
const metricReader = new PeriodicExportingMetricReader({
  exporter: new OTLPMetricExporter(options('metrics')), exportIntervalMillis: 3600000,
});
const meterProvider = new MeterProvider({
  resource, readers: [metricReader],
  views: [{ instrumentName: 'js.payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
});

const tracer = tracerProvider.getTracer('otlake.js.it', '0.1.0');
const logger = loggerProvider.getLogger('otlake.js.it', '0.1.0');
const meter = meterProvider.getMeter('otlake.js.it', '0.1.0');

const root = tracer.startSpan('GET /cart', {
  kind: SpanKind.SERVER,
  attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'app.ratio': 0.25, 'app.cached': true },
});
const rootContext = trace.setSpan(context.active(), root);
const child = tracer.startSpan('SELECT cart', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis' } },
  rootContext);
child.addEvent('retry', { 'retry.count': 2 });
child.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
child.end();
root.setStatus({ code: SpanStatusCode.OK });
root.end();

logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'a plain line', attributes: { n: 1 } });
logger.emit({
  severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'in a trace', context: rootContext,
  attributes: { 'cart.items': 3 },
});
logger.emit({ severityNumber: SeverityNumber.ERROR, body: { user: 'ann', tries: 3 }, eventName: 'checkout.retry' });
// an event with no body: the SDK's OTLP/JSON writes it as "body":{}
logger.emit({ severityNumber: SeverityNumber.INFO, eventName: 'cart.viewed', attributes: { 'cart.id': 'c1' } });

meter.createCounter('js.requests', { unit: '{request}', description: 'requests served' }).add(5, { route: '/cart' });
meter.createUpDownCounter('js.queue.depth').add(-2, { queue: 'q1' });
const latency = meter.createHistogram('js.latency', { unit: 'ms', valueType: ValueType.DOUBLE });
for (const v of [3, 7, 12, 250]) {
  latency.record(v, { route: '/cart' });
}
const size = meter.createHistogram('js.payload.size', { unit: 'By' });
for (const v of [10, 100, 1000]) {
  size.record(v);
}
meter.createObservableGauge('js.temperature', { unit: 'Cel' }).addCallback((r) => r.observe(21.5, { room: 'a' }));

await tracerProvider.forceFlush();
await loggerProvider.forceFlush();
// the meter provider is not flushed: its shutdown collects and exports, once, so each series has one point
await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);

console.log(JSON.stringify({
  trace_id: root.spanContext().traceId, root_span_id: root.spanContext().spanId,
  child_span_id: child.spanContext().spanId, compression,
}));
if (problems.length > 0) {
  for (const p of problems) {
    console.error(p);
  }
  process.exit(1);
}
