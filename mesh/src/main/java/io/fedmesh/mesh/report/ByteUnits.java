package io.fedmesh.mesh.report;

import java.util.Locale;

/** Bytes in the unit a reader takes in at a glance (1024-based): an axis in KiB, a total as "3.4 MiB". */
record ByteUnits(String name, double divisor) {
  private static final String[] NAMES = {"B", "KiB", "MiB", "GiB", "TiB"};

  /** The largest unit in which {@code maxBytes} is at least 1 (bytes below 1 KiB). */
  static ByteUnits forMax(double maxBytes) {
    int i = 0;
    double d = 1;
    while (i < NAMES.length - 1 && maxBytes >= d * 1024) {
      d *= 1024;
      i++;
    }
    return new ByteUnits(NAMES[i], d);
  }

  double of(double bytes) {
    return bytes / divisor;
  }

  /** e.g. 512 B, 1.5 KiB, 23.4 MiB. */
  static String readable(long bytes) {
    ByteUnits u = forMax(bytes);
    return u.divisor == 1 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", u.of(bytes), u.name);
  }
}
