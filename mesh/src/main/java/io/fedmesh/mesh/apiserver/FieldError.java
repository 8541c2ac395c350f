package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * One refusal cause as a Kubernetes API server words it: the field path (e.g.
 * {@code spec.roundDeadline.initialSeconds}), the cause reason ({@code FieldValueInvalid}, ...) and
 * the message without the path ({@code Invalid value: -5: ... should be greater than or equal to 1}).
 */
record FieldError(String field, String reason, String message) {
  static FieldError invalid(String field, String shownValue, String detail) {
    return new FieldError(field, "FieldValueInvalid", "Invalid value: " + shownValue + ": " + detail);
  }

  static FieldError typeInvalid(String field, String shownValue, String detail) {
    return new FieldError(field, "FieldValueTypeInvalid", "Invalid value: " + shownValue + ": " + detail);
  }

  static FieldError required(String field, String detail) {
    return new FieldError(field, "FieldValueRequired", detail == null || detail.isEmpty() ? "Required value" : "Required value: " + detail);
  }

  static FieldError forbidden(String field, String detail) {
    return new FieldError(field, "FieldValueForbidden", "Forbidden: " + detail);
  }

  static FieldError notSupported(String field, JsonNode value, JsonNode allowed) {
    StringBuilder supported = new StringBuilder();
    allowed.forEach(a -> supported.append(supported.isEmpty() ? "" : ", ").append(shown(a)));
    return new FieldError(field, "FieldValueNotSupported", "Unsupported value: " + shown(value) + ": supported values: " + supported);
  }

  static FieldError tooLong(String field, long max) {
    return new FieldError(field, "FieldValueTooLong", "Too long: may not be more than " + max + " bytes");
  }

  static FieldError tooMany(String field, int actual, long max) {
    return new FieldError(field, "FieldValueTooMany", "Too many: " + actual + ": must have at most " + max + " items");
  }

  /** The cause as the Status message lists it: {@code field: message}. */
  String describe() {
    return field.isEmpty() ? message : field + ": " + message;
  }

  /** A value as Go's field errors print it: strings quoted, numbers bare, anything else by its JSON type. */
  static String shown(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "\"null\"";
    }
    if (value.isTextual()) {
      return quoted(value.asText());
    }
    if (value.isNumber()) {
      return number(value.decimalValue());
    }
    if (value.isBoolean()) {
      return value.asText();
    }
    return quoted(value.isArray() ? "array" : "object");
  }

  /** A number as Go's %v prints a float64 that holds it: 1, 0.5, 8192. */
  static String number(BigDecimal n) {
    BigDecimal stripped = n.stripTrailingZeros();
    return stripped.scale() <= 0 ? stripped.toBigInteger().toString() : stripped.toPlainString();
  }

  /** A string as Go's %q prints it; control characters are escaped, so a hostile field name cannot break a header or a line. */
  static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.append('"').toString();
  }
}
