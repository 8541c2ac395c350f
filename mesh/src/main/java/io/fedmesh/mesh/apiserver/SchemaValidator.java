package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks an object against a CRD's structural schema (types, required, bounds, lengths, patterns,
 * enums, item and property counts) and words each breach as the API server does, e.g.
 * {@code spec.rounds: Invalid value: 0: spec.rounds in body should be greater than or equal to 1}.
 */
final class SchemaValidator {
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  /** Every breach in {@code object} (pruned and defaulted already), in document order. */
  static List<FieldError> validate(JsonNode object, JsonNode rootSchema) {
    List<FieldError> errors = new ArrayList<>();
    check(object, rootSchema, "", true, errors);
    return errors;
  }

  private static void check(JsonNode value, JsonNode schema, String path, boolean resourceRoot, List<FieldError> errors) {
    if (schema == null) {
      return;
    }
    if (value.isNull()) {
      if (!Structural.nullable(schema)) {
        errors.add(FieldError.typeInvalid(path, "\"null\"", path + " in body must be of type " + typeName(schema) + ": \"null\""));
      }
      return;
    }
    if (!typeMatches(value, schema)) {
      errors.add(FieldError.typeInvalid(path, FieldError.quoted(jsonType(value)),
          path + " in body must be of type " + typeName(schema) + ": " + FieldError.quoted(jsonType(value))));
      return;
    }
    checkEnum(value, schema, path, errors);
    if (value.isNumber()) {
      checkNumber(value, schema, path, errors);
    } else if (value.isTextual()) {
      checkString(value.asText(), schema, path, errors);
    } else if (value.isArray()) {
      checkArray(value, schema, path, errors);
    } else if (value.isObject()) {
      checkObject(value, schema, path, resourceRoot, errors);
    }
  }

  private static boolean typeMatches(JsonNode value, JsonNode schema) {
    if (Structural.intOrString(schema)) {
      return value.isIntegralNumber() || value.isTextual();
    }
    return switch (Structural.type(schema)) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true; // untyped: only x-kubernetes-preserve-unknown-fields or int-or-string nodes may leave it out
    };
  }

  private static String typeName(JsonNode schema) {
    return Structural.intOrString(schema) ? "integer,string" : Structural.type(schema);
  }

  /** The JSON type of a value, as Go's decoder reports it. */
  static String jsonType(JsonNode value) {
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return switch (value.getNodeType()) {
      case STRING -> "string";
      case BOOLEAN -> "boolean";
      case ARRAY -> "array";
      case NULL -> "null";
      default -> "object";
    };
  }

  private static void checkEnum(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    JsonNode allowed = schema.get("enum");
    if (allowed == null || !allowed.isArray()) {
      return;
    }
    for (JsonNode a : allowed) {
      if (a.equals(value) || (a.isNumber() && value.isNumber() && a.decimalValue().compareTo(value.decimalValue()) == 0)) {
        return;
      }
    }
    errors.add(FieldError.notSupported(path, value, allowed));
  }

  private static void checkNumber(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    BigDecimal n = value.decimalValue();
    String shown = FieldError.shown(value);
    JsonNode min = schema.get("minimum");
    if (min != null && min.isNumber()) {
      boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
      int c = n.compareTo(min.decimalValue());
      if (exclusive ? c <= 0 : c < 0) {
        errors.add(FieldError.invalid(path, shown, path + " in body should be greater than " + (exclusive ? "" : "or equal to ")
            + FieldError.number(min.decimalValue())));
      }
    }
    JsonNode max = schema.get("maximum");
    if (max != null && max.isNumber()) {
      boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
      int c = n.compareTo(max.decimalValue());
      if (exclusive ? c >= 0 : c > 0) {
        errors.add(FieldError.invalid(path, shown, path + " in body should be less than " + (exclusive ? "" : "or equal to ")
            + FieldError.number(max.decimalValue())));
      }
    }
    JsonNode multiple = schema.get("multipleOf");
    if (multiple != null && multiple.isNumber() && multiple.decimalValue().signum() > 0
        && n.remainder(multiple.decimalValue()).signum() != 0) {
      errors.add(FieldError.invalid(path, shown, path + " in body should be a multiple of " + FieldError.number(multiple.decimalValue())));
    }
  }

  private static void checkString(String s, JsonNode schema, String path, List<FieldError> errors) {
    int length = s.codePointCount(0, s.length());
    JsonNode minLength = schema.get("minLength");
    if (minLength != null && length < minLength.asLong()) {
      errors.add(FieldError.invalid(path, FieldError.quoted(s), path + " in body should be at least " + minLength.asLong() + " chars long"));
    }
    JsonNode maxLength = schema.get("maxLength");
    if (maxLength != null && length > maxLength.asLong()) {
      errors.add(FieldError.tooLong(path, maxLength.asLong()));
    }
    JsonNode pattern = schema.get("pattern");
    if (pattern != null && pattern.isTextual() && !compiled(pattern.asText()).matcher(s).find()) {
      errors.add(FieldError.invalid(path, FieldError.quoted(s), path + " in body should match '" + pattern.asText() + "'"));
    }
  }

  private static Pattern compiled(String regex) {
    return PATTERNS.computeIfAbsent(regex, r -> {
      try {
        return Pattern.compile(r);
      } catch (PatternSyntaxException e) {
        throw new IllegalStateException("the CRD's pattern " + r + " is not a regular expression: " + e.getDescription(), e);
      }
    });
  }

  private static void checkArray(JsonNode array, JsonNode schema, String path, List<FieldError> errors) {
    JsonNode minItems = schema.get("minItems");
    if (minItems != null && array.size() < minItems.asLong()) {
      errors.add(FieldError.invalid(path, FieldError.shown(array), path + " in body should have at least " + minItems.asLong() + " items"));
    }
    JsonNode maxItems = schema.get("maxItems");
    if (maxItems != null && array.size() > maxItems.asLong()) {
      errors.add(FieldError.tooMany(path, array.size(), maxItems.asLong()));
    }
    JsonNode items = schema.get("items");
    for (int i = 0; i < array.size(); i++) {
      check(array.get(i), items, Structural.item(path, i), items != null && Structural.embedded(items), errors);
    }
  }

  private static void checkObject(JsonNode object, JsonNode schema, String path, boolean resourceRoot, List<FieldError> errors) {
    for (JsonNode required : schema.path("required")) {
      if (!object.has(required.asText())) {
        errors.add(FieldError.required(Structural.child(path, required.asText()), ""));
      }
    }
    int properties = resourceRoot ? (int) iterable(object).filter(n -> !Structural.ROOT_FIELDS.contains(n)).count() : object.size();
    JsonNode maxProperties = schema.get("maxProperties");
    if (maxProperties != null && properties > maxProperties.asLong()) {
      errors.add(FieldError.tooMany(path, properties, maxProperties.asLong()));
    }
    JsonNode minProperties = schema.get("minProperties");
    if (minProperties != null && properties < minProperties.asLong()) {
      errors.add(FieldError.invalid(path, "\"object\"", path + " in body should have at least " + minProperties.asLong() + " properties"));
    }
    object.fields().forEachRemaining(field -> {
      if (resourceRoot && Structural.ROOT_FIELDS.contains(field.getKey())) {
        return;
      }
      JsonNode child = Structural.property(schema, field.getKey());
      check(field.getValue(), child, Structural.child(path, field.getKey()), child != null && Structural.embedded(child), errors);
    });
  }

  private static java.util.stream.Stream<String> iterable(JsonNode object) {
    java.util.stream.Stream.Builder<String> names = java.util.stream.Stream.builder();
    object.fieldNames().forEachRemaining(names::add);
    return names.build();
  }

  private SchemaValidator() {}
}
