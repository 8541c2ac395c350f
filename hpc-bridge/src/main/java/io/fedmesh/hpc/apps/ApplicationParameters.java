package io.fedmesh.hpc.apps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for parameter names and values that reach an application. Values come from peers:
 * bounded in length and count, without control characters (no newline can start a new line of a
 * batch script or a log), and numbers finite. Every refusal is an {@link IllegalArgumentException}
 * naming the field.
 */
public final class ApplicationParameters {
  /** What a {@code {param}} placeholder may be called. */
  public static final Pattern NAME = Pattern.compile("^[a-z][a-zA-Z0-9_]{0,63}$");
  public static final int MAX_VALUE_LENGTH = 1024;
  public static final int MAX_PARAMETERS = 64;

  private ApplicationParameters() {}

  /** {@code values} checked, in their order; {@code where} names the field ("application_options"). */
  public static Map<String, String> checked(String where, Map<String, String> values) {
    if (values.size() > MAX_PARAMETERS) {
      throw new IllegalArgumentException(where + " has " + values.size() + " entries; at most " + MAX_PARAMETERS + " are allowed");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      checkName(where, e.getKey());
      checkValue(where + "." + e.getKey(), e.getValue());
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The sweep point checked: names as above, values finite. */
  public static Map<String, Double> checkedPoint(String where, Map<String, Double> point) {
    if (point.size() > MAX_PARAMETERS) {
      throw new IllegalArgumentException(where + " has " + point.size() + " entries; at most " + MAX_PARAMETERS + " are allowed");
    }
    for (Map.Entry<String, Double> e : point.entrySet()) {
      checkName(where, e.getKey());
      if (!Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException(where + "." + e.getKey() + " is " + e.getValue() + ": it must be a finite number");
      }
    }
    return point;
  }

  static void checkName(String where, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + " has a parameter named '" + printable(name) + "': names are a lowercase letter,"
          + " then letters, digits or '_', at most 64 characters");
    }
  }

  static void checkValue(String where, String value) {
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException(where + " is " + value.length() + " characters long; at most " + MAX_VALUE_LENGTH
          + " are allowed");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(where + " holds a control character (U+" + String.format("%04X", (int) value.charAt(i))
            + " at position " + i + "): values must be printable text");
      }
    }
  }

  /** A number as a task sees it: whole numbers without ".0", others as Java prints them (exact round trip). */
  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** A peer's text cut and stripped of control characters, for error messages. */
  static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }
}
