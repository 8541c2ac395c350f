package io.fedmesh.mesh.apiserver;

import static io.fedmesh.mesh.apiserver.GeneratedCrds.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedmesh.mesh.apiserver.Admission.Decision;
import io.fedmesh.mesh.apiserver.Admission.FieldValidation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Admission of fedmesh resources against the CRDs the build generated: pruning, defaults, schema, CEL, status writes. */
class AdmissionTest {
  private final Admission admission = new Admission(path -> null);

  static JsonNode training(String spec) throws Exception {
    return json("{'apiVersion':'fedmesh.io/v1alpha1','kind':'FederatedTraining','metadata':{'name':'ft','namespace':'default'},"
        + "'spec':{'modelRef':'m','rounds':5,'strategy':{'type':'FedAvg'},'participants':{'minSites':2}" + spec + "}}");
  }

  private Decision admit(String plural, JsonNode object, JsonNode stored, boolean status, FieldValidation v) throws Exception {
    return admission.admit(GeneratedCrds.kind(plural), object, stored, status, v);
  }

  private static JsonNode refusal(Decision d) throws Exception {
    assertThat(d).isInstanceOf(Decision.Refused.class);
    Decision.Refused r = (Decision.Refused) d;
    return GeneratedCrds.JSON.readTree(new String(r.response().getBody().getBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aNegativeDeadlineIsRefusedNamingTheFieldAsTheApiServerDoes() throws Exception {
    JsonNode status = refusal(admit("federatedtrainings", training(",'roundDeadline':{'initialSeconds':-5}"), null, false, FieldValidation.STRICT));
    assertThat(status.path("code").asInt()).isEqualTo(422);
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    JsonNode cause = status.path("details").path("causes").get(0);
    assertThat(cause.path("field").asText()).isEqualTo("spec.roundDeadline.initialSeconds");
    assertThat(cause.path("reason").asText()).isEqualTo("FieldValueInvalid");
    assertThat(cause.path("message").asText())
        .isEqualTo("Invalid value: -5: spec.roundDeadline.initialSeconds in body should be greater than or equal to 1");
    assertThat(status.path("message").asText()).startsWith("FederatedTraining.fedmesh.io \"ft\" is invalid: [spec.roundDeadline.initialSeconds: Invalid value: -5");
    // the schema failed, so the CEL rules were not run, and the server says so
    assertThat(status.path("details").path("causes").get(1).path("message").asText()).contains("some validation rules were not checked");
  }

  @Test
  void defaultsFillAbsentFieldsRecursivelyAndKeepGivenOnes() throws Exception {
    Decision d = admit("federatedtrainings", training(",'roundDeadline':{'initialSeconds':30}"), null, false, FieldValidation.STRICT);
    assertThat(d).isInstanceOf(Decision.Admitted.class);
    JsonNode spec = ((Decision.Admitted) d).object().path("spec");
    assertThat(spec.path("roundDeadline").path("initialSeconds").asInt()).isEqualTo(30);
    assertThat(spec.path("roundDeadline").path("maxRetries").asInt()).isEqualTo(3);
    assertThat(spec.path("strategy").path("type").asText()).isEqualTo("FedAvg");
    assertThat(spec.path("participants").path("fraction").isNumber()).as("spec.participants.fraction has a default in the CRD").isTrue();
  }

  @Test
  void unknownFieldsArePrunedWithAWarningOrRefusedWhenStrict() throws Exception {
    JsonNode object = training(",'foo':1,'target':{'metric':'accuracy','value':0.9,'bar':true}");
    Decision warned = admit("federatedtrainings", object, null, false, FieldValidation.WARN);
    assertThat(warned).isInstanceOf(Decision.Admitted.class);
    Decision.Admitted admitted = (Decision.Admitted) warned;
    assertThat(admitted.object().path("spec").has("foo")).isFalse();
    assertThat(admitted.object().path("spec").path("target").has("bar")).isFalse();
    assertThat(admitted.warnings()).containsExactly("unknown field \"spec.foo\"", "unknown field \"spec.target.bar\"");

    JsonNode strict = refusal(admit("federatedtrainings", object, null, false, FieldValidation.STRICT));
    assertThat(strict.path("code").asInt()).isEqualTo(400);
    assertThat(strict.path("reason").asText()).isEqualTo("BadRequest");
    assertThat(strict.path("message").asText()).isEqualTo("FederatedTraining in version \"v1alpha1\" cannot be handled as a FederatedTraining:"
        + " strict decoding error: unknown field \"spec.foo\", unknown field \"spec.target.bar\"");
  }

  @Test
  void typesEnumsAndRequiredFieldsAreChecked() throws Exception {
    JsonNode object = json("{'apiVersion':'fedmesh.io/v1alpha1','kind':'FederatedTraining','metadata':{'name':'ft'},"
        + "'spec':{'rounds':'ten','strategy':{'type':'Median2'},'participants':{'minSites':2}}}");
    JsonNode causes = refusal(admit("federatedtrainings", object, null, false, FieldValidation.STRICT)).path("details").path("causes");
    assertThat(causes.toString())
        .contains("{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":\"spec.modelRef\"}")
        .contains("{\"reason\":\"FieldValueTypeInvalid\",\"message\":\"Invalid value: \\\"string\\\": spec.rounds in body must be of type integer: \\\"string\\\"\",\"field\":\"spec.rounds\"}")
        .contains("\"reason\":\"FieldValueNotSupported\",\"message\":\"Unsupported value: \\\"Median2\\\": supported values: \\\"BufferedAsync\\\", \\\"FedAdam\\\", \\\"FedAvg\\\"");
  }

  @Test
  void celRulesRunWhenTheSchemaHoldsWithTheRuleMessage() throws Exception {
    JsonNode object = training("").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) object.path("spec").path("participants")).put("maxSites", 1);
    JsonNode status = refusal(admit("federatedtrainings", object, null, false, FieldValidation.STRICT));
    JsonNode cause = status.path("details").path("causes").get(0);
    assertThat(cause.path("field").asText()).isEqualTo("spec.participants");
    assertThat(cause.path("message").asText()).isEqualTo("Invalid value: \"object\": minSites must not exceed maxSites");
    assertThat(status.path("details").path("causes").size()).isEqualTo(1);
  }

  @Test
  void aStatusWriteIsHeldToTheStatusSchemaAndLeavesSpecRulesAlone() throws Exception {
    // the stored spec breaks a rule (it was stored before admission existed); the status write is still judged on status only
    JsonNode object = training(",'roundDeadline':{'initialSeconds':0}").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) object).set("status", json("{'phase':'Running','round':2,'extra':1}"));
    Decision ok = admit("federatedtrainings", object, object, true, FieldValidation.WARN);
    assertThat(ok).isInstanceOf(Decision.Admitted.class);
    JsonNode stored = ((Decision.Admitted) ok).object();
    assertThat(stored.path("status").has("extra")).isFalse();
    assertThat(stored.path("spec").path("roundDeadline").path("initialSeconds").asInt()).as("spec untouched").isZero();

    ((com.fasterxml.jackson.databind.node.ObjectNode) object).set("status", json("{'phase':'Dancing'}"));
    JsonNode cause = refusal(admit("federatedtrainings", object, object, true, FieldValidation.WARN)).path("details").path("causes").get(0);
    assertThat(cause.path("field").asText()).isEqualTo("status.phase");
    assertThat(cause.path("reason").asText()).isEqualTo("FieldValueNotSupported");
  }

  @Test
  void aSpecWriteOfAKindWithAStatusSubresourceIgnoresStatus() throws Exception {
    JsonNode object = training("").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) object).set("status", json("{'phase':'Dancing'}"));
    Decision d = admit("federatedtrainings", object, null, false, FieldValidation.STRICT);
    assertThat(d).isInstanceOf(Decision.Admitted.class);
    assertThat(((Decision.Admitted) d).object().path("status").path("phase").asText()).isEqualTo("Dancing");
  }

  @Test
  void everyGeneratedCrdAdmitsAMinimalObjectOfItsKind() throws Exception {
    JsonNode site = json("{'apiVersion':'fedmesh.io/v1alpha1','kind':'EdgeSite','metadata':{'name':'s'},'spec':{'region':'-bad-'}}");
    JsonNode cause = refusal(admit("edgesites", site, null, false, FieldValidation.STRICT)).path("details").path("causes").get(0);
    assertThat(cause.path("field").asText()).isEqualTo("spec.region");
    assertThat(cause.path("message").asText()).startsWith("Invalid value: \"-bad-\": spec.region in body should match '");
  }

  @Test
  void aHostileFieldNameCannotBreakTheWarningHeaderOrTheMessage() throws Exception {
    JsonNode object = training("").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) object.path("spec")).put("x\r\nSet-Cookie: a=\"b\"", 1);
    Decision.Admitted admitted = (Decision.Admitted) admit("federatedtrainings", object, null, false, FieldValidation.WARN);
    assertThat(admitted.warnings()).containsExactly("unknown field \"spec.x\\r\\nSet-Cookie: a=\\\"b\\\"\"");
    assertThat(admitted.warnings().get(0)).doesNotContain("\r", "\n");
  }
}
