package io.otlake.proto;

/** Topic naming conventions beyond the per-signal defaults in {@link Signal}. */
public final class Topics {
  /** Suffix of the dead-letter topic the writer sends undecodable records of a topic to. */
  public static final String DEAD_LETTER_SUFFIX = "_dlq";

  private Topics() {}

  public static String deadLetterTopic(String topic) {
    return topic + DEAD_LETTER_SUFFIX;
  }
}
