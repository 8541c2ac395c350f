package io.fedmesh.mesh.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The schema keywords fedmesh's CRDs do not use yet (nullable, int-or-string, preserve-unknown-fields,
 * maps of objects, exclusive bounds, lengths, item counts), on a small schema as a CRD would carry them.
 */
class StructuralSchemaTest {
  static final JsonNode SCHEMA = json("""
      {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "port": {"x-kubernetes-int-or-string": true},
        "note": {"type": "string", "nullable": true, "maxLength": 4},
        "name": {"type": "string", "minLength": 2},
        "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true},
        "tags": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"known": {"type": "integer"}}},
        "pools": {"type": "object", "additionalProperties": {"type": "object",
          "properties": {"size": {"type": "integer", "default": 1}}}}}}}}
      """);

  static JsonNode json(String text) {
    try {
      return GeneratedCrds.JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void intOrStringNullableAndPreservedFieldsAreKept() {
    JsonNode object = json("""
        {"spec": {"port": "http", "note": null, "free": {"known": 1, "anything": {"deep": true}},
                  "pools": {"a": {"size": 3, "colour": "red"}, "b": {}}}}""");
    assertThat(Pruning.prune(object, SCHEMA)).containsExactly("spec.pools.a.colour");
    Defaults.apply(object, SCHEMA);
    assertThat(SchemaValidator.validate(object, SCHEMA)).isEmpty();
    assertThat(object.path("spec").has("note")).as("a nullable null stays").isTrue();
    assertThat(object.path("spec").path("free").path("anything").path("deep").asBoolean()).isTrue();
    assertThat(object.path("spec").path("pools").path("b").path("size").asInt()).as("map values get defaults").isEqualTo(1);
    assertThat(SchemaValidator.validate(json("{\"spec\": {\"port\": 8080}}"), SCHEMA)).isEmpty();
  }

  @Test
  void boundsLengthsAndCountsAreWordedAsTheApiServerWordsThem() {
    JsonNode object = json("""
        {"spec": {"port": 1.5, "note": "toolong", "name": "x", "ratio": 1, "tags": ["a", "b", "c"], "free": {"known": "one"}}}""");
    assertThat(SchemaValidator.validate(object, SCHEMA)).containsExactly(
        FieldError.typeInvalid("spec.port", "\"number\"", "spec.port in body must be of type integer,string: \"number\""),
        FieldError.tooLong("spec.note", 4),
        FieldError.invalid("spec.name", "\"x\"", "spec.name in body should be at least 2 chars long"),
        FieldError.invalid("spec.ratio", "1", "spec.ratio in body should be less than 1"),
        FieldError.tooMany("spec.tags", 3, 2),
        FieldError.typeInvalid("spec.free.known", "\"string\"", "spec.free.known in body must be of type integer: \"string\""));
    assertThat(SchemaValidator.validate(json("{\"spec\": {\"ratio\": 0, \"tags\": []}}"), SCHEMA)).containsExactly(
        FieldError.invalid("spec.ratio", "0", "spec.ratio in body should be greater than 0"),
        FieldError.invalid("spec.tags", "\"array\"", "spec.tags in body should have at least 1 items"));
  }

  @Test
  void aNullWhereTheSchemaIsNotNullableIsDropped() {
    JsonNode object = json("{\"spec\": {\"name\": null, \"pools\": {\"a\": {\"size\": null}}}}");
    Defaults.apply(object, SCHEMA);
    assertThat(object.path("spec").has("name")).isFalse();
    assertThat(object.path("spec").path("pools").path("a").path("size").asInt()).as("a null with a default gets the default").isEqualTo(1);
  }
}
