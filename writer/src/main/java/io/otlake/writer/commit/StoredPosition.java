package io.otlake.writer.commit;

import java.util.Map;

/**
 * The value of a position property: the offsets, and the snapshot (id and sequence number) whose commit wrote them.
 * Spelled {@code 0:1200,1:977;snapshot=4567;seq=12}. An operator may set just the offsets (with
 * {@code ./otlake position} or an engine's {@code ALTER TABLE ... SET TBLPROPERTIES}); such a value is taken as the
 * position of the table as it is.
 *
 * @param snapshotId the snapshot the offsets were committed in, or null when set by hand (or -1: the table had none)
 * @param sequenceNumber that snapshot's sequence number, or null
 */
public record StoredPosition(Map<Integer, Long> offsets, Long snapshotId, Long sequenceNumber) {
  public StoredPosition {
    offsets = Map.copyOf(offsets);
  }

  public static StoredPosition parse(String value) {
    String[] parts = value.split(";");
    Map<Integer, Long> offsets = KafkaOffsets.parse(parts.length == 0 ? "" : parts[0]);
    Long snapshot = null;
    Long seq = null;
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      try {
        if (name.equals("snapshot")) {
          snapshot = Long.parseLong(part.substring(eq + 1));
        } else if (name.equals("seq")) {
          seq = Long.parseLong(part.substring(eq + 1));
        } else {
          throw new IllegalArgumentException("unknown part '" + part + "'");
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("malformed position '" + value + "': " + e.getMessage());
      }
    }
    return new StoredPosition(offsets, snapshot, seq);
  }

  public String format() {
    StringBuilder sb = new StringBuilder(KafkaOffsets.format(offsets));
    if (snapshotId != null) {
      sb.append(";snapshot=").append(snapshotId);
    }
    if (sequenceNumber != null) {
      sb.append(";seq=").append(sequenceNumber);
    }
    return sb.toString();
  }
}
