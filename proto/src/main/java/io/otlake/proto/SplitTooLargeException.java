package io.otlake.proto;

/**
 * A request would become more record bytes than the splitter's bound: each record repeats its trace's resource and
 * scope, so a request of many traces under one large resource grows many times over when split.
 */
public final class SplitTooLargeException extends RecordTooLargeException {
  private final long bytes;
  private final long limit;

  public SplitTooLargeException(long bytes, long limit) {
    super("the request's records would take at least " + bytes + " bytes, over the bound of " + limit);
    this.bytes = bytes;
    this.limit = limit;
  }

  /** Record bytes counted when the bound was passed (a lower bound of the whole). */
  public long bytes() {
    return bytes;
  }

  public long limit() {
    return limit;
  }
}
