package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Evaluates a CRD's {@code x-kubernetes-validations} with CEL where they sit in the schema:
 * {@code self} is the node's value typed by its schema (integer as int, number as double),
 * {@code oldSelf} the same node of the stored object on an update; a rule that mentions
 * {@code oldSelf} is a transition rule and runs only when there is an old value. Failures carry
 * the rule's message, messageExpression, reason and fieldPath as the API server reports them.
 */
final class CelRules {
  private static final Pattern MENTIONS_OLD_SELF = Pattern.compile("\\boldSelf\\b");
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  /** Compiled once per expression text: the CRDs change rarely, objects often. */
  private static final Map<String, Object> PROGRAMS = new ConcurrentHashMap<>();

  /** Every failed rule in {@code object}; {@code old} is the stored object on an update, else null. */
  static List<FieldError> validate(JsonNode object, JsonNode old, JsonNode rootSchema) {
    List<FieldError> errors = new ArrayList<>();
    walk(object, old, rootSchema, "", true, errors);
    return errors;
  }

  private static void walk(JsonNode value, JsonNode old, JsonNode schema, String path, boolean resourceRoot, List<FieldError> errors) {
    if (schema == null || value == null || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      check(rule, value, old, schema, path, errors);
    }
    if (value.isObject()) {
      value.fields().forEachRemaining(field -> {
        if (resourceRoot && Structural.ROOT_FIELDS.contains(field.getKey())) {
          return;
        }
        JsonNode oldChild = old != null && old.isObject() ? old.get(field.getKey()) : null;
        JsonNode child = Structural.property(schema, field.getKey());
        walk(field.getValue(), oldChild, child, Structural.child(path, field.getKey()), false, errors);
      });
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        // list items are not correlated with the stored list (only listType=map lists are, none here)
        walk(value.get(i), null, schema.get("items"), Structural.item(path, i), false, errors);
      }
    }
  }

  private static void check(JsonNode rule, JsonNode value, JsonNode old, JsonNode schema, String path, List<FieldError> errors) {
    String expression = rule.path("rule").asText("");
    boolean transition = MENTIONS_OLD_SELF.matcher(expression).find();
    if (transition && old == null) {
      return;
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("self", toCel(value, schema));
    if (transition) {
      vars.put("oldSelf", toCel(old, schema));
    }
    String field = path + relative(rule.path("fieldPath").asText(""), path.isEmpty());
    Object result;
    try {
      result = eval(expression, vars);
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      errors.add(FieldError.invalid(field, FieldError.quoted(typeOf(schema, value)), e.getMessage() + " evaluating rule: " + expression));
      return;
    }
    if (Boolean.TRUE.equals(result)) {
      return;
    }
    String message = message(rule, vars, expression);
    errors.add(switch (rule.path("reason").asText("FieldValueInvalid")) {
      case "FieldValueForbidden" -> FieldError.forbidden(field, message);
      case "FieldValueRequired" -> FieldError.required(field, message);
      case "FieldValueDuplicate" -> new FieldError(field, "FieldValueDuplicate", "Duplicate value: " + FieldError.quoted(typeOf(schema, value)));
      default -> FieldError.invalid(field, FieldError.quoted(typeOf(schema, value)), message);
    });
  }

  /** The rule's messageExpression when it yields a non-blank string, else its message, else "failed rule: ...". */
  private static String message(JsonNode rule, Map<String, Object> vars, String expression) {
    String fallback = rule.hasNonNull("message") ? rule.get("message").asText() : "failed rule: " + expression;
    if (!rule.hasNonNull("messageExpression")) {
      return fallback;
    }
    try {
      Object m = eval(rule.get("messageExpression").asText(), vars);
      return m instanceof String s && !s.isBlank() ? s : fallback;
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      return fallback;
    }
  }

  private static Object eval(String expression, Map<String, Object> vars) throws CelValidationException, CelEvaluationException {
    Object program = PROGRAMS.get(expression);
    if (program == null) {
      CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
      program = RUNTIME.createProgram(ast);
      PROGRAMS.put(expression, program);
    }
    return ((CelRuntime.Program) program).eval(vars);
  }

  /** A fieldPath like {@code .maxSites} or {@code ['a.b']} appended to the rule's own path. */
  private static String relative(String fieldPath, boolean atRoot) {
    if (fieldPath.isEmpty()) {
      return "";
    }
    return atRoot && fieldPath.startsWith(".") ? fieldPath.substring(1) : fieldPath;
  }

  private static String typeOf(JsonNode schema, JsonNode value) {
    String type = Structural.type(schema);
    return type.isEmpty() ? SchemaValidator.jsonType(value) : type;
  }

  /** The CEL value of a JSON node, typed by its schema as the API server types it. */
  static Object toCel(JsonNode value, JsonNode schema) {
    if (value == null || value.isNull()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      value.fields().forEachRemaining(f -> {
        JsonNode child = schema == null ? null : Structural.property(schema, f.getKey());
        if (!f.getValue().isNull()) {
          map.put(f.getKey(), toCel(f.getValue(), child));
        }
      });
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(toCel(item, schema == null ? null : schema.get("items"))));
      return list;
    }
    if (value.isNumber()) {
      boolean asDouble = schema != null ? "number".equals(Structural.type(schema)) : !value.isIntegralNumber();
      return asDouble ? (Object) value.asDouble() : (Object) value.asLong();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asText();
  }

  private CelRules() {}
}
