package io.otlake.gateway.receiver;

/**
 * What travels with a request from the transport to the sink, whatever its signal: when it was received (the
 * {@code otlake.received_at_ms} header). The tenant from authentication is to come here too.
 */
public record RequestContext(long receivedAtMs) {}
