package io.fedmesh.common.data;

import java.util.Arrays;
import java.util.Locale;

/** How a site's data is stored: CSV files, IDX pairs (the MNIST format) or an image folder. */
public enum DatasetFormat {
  CSV("csv"),
  IDX("idx"),
  IMAGE_FOLDER("imageFolder");

  private final String wireName;

  DatasetFormat(String wireName) {
    this.wireName = wireName;
  }

  /** The name in resources, flags and heartbeats: {@code csv}, {@code idx}, {@code imageFolder}. */
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name (case-insensitive). */
  public static DatasetFormat parse(String name) {
    for (DatasetFormat f : values()) {
      if (f.wireName.toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown data format '" + name + "'; use one of "
        + Arrays.stream(values()).map(DatasetFormat::wireName).toList());
  }

  @Override
  public String toString() {
    return wireName;
  }
}
