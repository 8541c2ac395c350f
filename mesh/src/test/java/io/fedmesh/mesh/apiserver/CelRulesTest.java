package io.fedmesh.mesh.apiserver;

import static io.fedmesh.mesh.apiserver.GeneratedCrds.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of x-kubernetes-validations that fedmesh's CRDs do not use yet (transition rules,
 * messageExpression, reason, fieldPath), on a small schema written as a CRD would carry them.
 */
class CelRulesTest {
  static final JsonNode SCHEMA;

  static {
    try {
      SCHEMA = GeneratedCrds.JSON.readTree("""
          {"type": "object", "properties": {"spec": {"type": "object",
            "properties": {
              "replicas": {"type": "integer", "x-kubernetes-validations": [{"rule": "self >= oldSelf", "message": "replicas may not shrink"}]},
              "ratio": {"type": "number"},
              "limits": {"type": "object", "properties": {"low": {"type": "integer"}, "high": {"type": "integer"}},
                "x-kubernetes-validations": [{"rule": "self.low <= self.high",
                  "messageExpression": "'low ' + string(self.low) + ' above high ' + string(self.high)",
                  "reason": "FieldValueForbidden", "fieldPath": ".low"}]}},
            "x-kubernetes-validations": [{"rule": "!has(self.ratio) || self.ratio < 1.0"}]}}}
          """);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Test
  void transitionRulesSeeTheStoredValueAndSkipCreates() throws Exception {
    JsonNode shrunk = json("{'spec':{'replicas':2}}");
    assertThat(CelRules.validate(shrunk, null, SCHEMA)).as("a create has no oldSelf").isEmpty();
    List<FieldError> errors = CelRules.validate(shrunk, json("{'spec':{'replicas':3}}"), SCHEMA);
    assertThat(errors).containsExactly(FieldError.invalid("spec.replicas", "\"integer\"", "replicas may not shrink"));
    assertThat(CelRules.validate(json("{'spec':{'replicas':4}}"), json("{'spec':{'replicas':3}}"), SCHEMA)).isEmpty();
  }

  @Test
  void messageExpressionReasonAndFieldPathShapeTheCause() throws Exception {
    List<FieldError> errors = CelRules.validate(json("{'spec':{'limits':{'low':5,'high':2}}}"), null, SCHEMA);
    assertThat(errors).containsExactly(new FieldError("spec.limits.low", "FieldValueForbidden", "Forbidden: low 5 above high 2"));
  }

  @Test
  void numbersAreDoublesEvenWhenWrittenAsIntegersAndTheDefaultMessageNamesTheRule() throws Exception {
    assertThat(CelRules.validate(json("{'spec':{'ratio':0}}"), null, SCHEMA)).isEmpty();
    assertThat(CelRules.validate(json("{'spec':{'ratio':2}}"), null, SCHEMA))
        .containsExactly(FieldError.invalid("spec", "\"object\"", "failed rule: !has(self.ratio) || self.ratio < 1.0"));
  }
}
