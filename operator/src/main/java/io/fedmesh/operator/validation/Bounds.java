package io.fedmesh.operator.validation;

import java.util.List;

/**
 * The range checks of the CRD schema ({@code @Min}/{@code @Max}/{@code @Size}), repeated in the
 * operator because not every API server enforces the schema. A number outside its range, or not
 * finite (the schema cannot say "no NaN", so every check here does), adds a problem naming the
 * field, its range and the value given. An unset field passes: its default applies.
 */
final class Bounds {
  private Bounds() {}

  static void between(List<String> problems, String field, Long value, long min, long max) {
    if (value != null && (value < min || value > max)) {
      problems.add(field + " must be between " + min + " and " + max + " (got " + value + ")");
    }
  }

  static void between(List<String> problems, String field, Integer value, long min, long max) {
    between(problems, field, value == null ? null : value.longValue(), min, max);
  }

  static void atLeast(List<String> problems, String field, Integer value, long min) {
    atLeast(problems, field, value == null ? null : value.longValue(), min);
  }

  static void atLeast(List<String> problems, String field, Long value, long min) {
    if (value != null && value < min) {
      problems.add(field + " must be at least " + min + " (got " + value + ")");
    }
  }

  static void between(List<String> problems, String field, Double value, double min, double max) {
    if (value != null && !(value >= min && value <= max)) { // written so that NaN fails too
      problems.add(field + " must be a number between " + fmt(min) + " and " + fmt(max) + " (got " + value + ")");
    }
  }

  static void atLeast(List<String> problems, String field, Double value, double min) {
    if (value != null && !(value >= min && value < Double.POSITIVE_INFINITY)) {
      problems.add(field + " must be a finite number of at least " + fmt(min) + " (got " + value + ")");
    }
  }

  static void finite(List<String> problems, String field, Double value) {
    if (value != null && !Double.isFinite(value)) {
      problems.add(field + " must be a finite number (got " + value + ")");
    }
  }

  static void items(List<String> problems, String field, List<?> list, int min, int max) {
    if (list != null && (list.size() < min || list.size() > max)) {
      problems.add(field + " must list " + (min == 0 ? "at most " + max : "between " + min + " and " + max) + " entries (got "
          + list.size() + ")");
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
