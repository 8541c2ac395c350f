package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's validators and the generated CRD schema cannot drift: for every bound the schema
 * has (minimum, maximum, minItems, maxItems, pattern) on the FederatedTraining and DistributedModel
 * specs, a value just outside it is refused with the field's path named, the bound itself is
 * accepted, and every number refuses NaN (the schema cannot say that, the operator must).
 */
class SchemaBoundsTest {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** One check: a path, a value to put there, and whether the validator must refuse it. */
  record Probe(String path, JsonNode value, boolean refused, String why) {}

  @Test
  void everyFederatedTrainingBoundIsEnforcedByTheValidator() throws Exception {
    List<Probe> probes = probes(schema("federatedtrainings"));
    assertThat(probes).extracting(Probe::path).contains("spec.rounds", "spec.participants.fraction", "spec.strategy.trimFraction",
        "spec.adaptiveSimulation.burstTemplate.application.grid", "spec.adaptiveSimulation.burstTemplate.sweep[0].min",
        "spec.strategy.bufferedAsync.bufferSize", "spec.strategy.bufferedAsync.maxStaleness");
    check(probes, baseTraining(), json -> new TrainingValidator().validate(JSON.treeToValue(json, FederatedTrainingSpec.class)).problems());
  }

  @Test
  void everyDistributedModelBoundIsEnforcedByTheResolver() throws Exception {
    List<Probe> probes = probes(schema("distributedmodels"));
    assertThat(probes).extracting(Probe::path).contains("spec.inputShape", "spec.architecture.hiddenLayers");
    check(probes, baseModel(), json -> new ModelResolver().resolve(JSON.treeToValue(json, DistributedModelSpec.class)).validation().problems());
  }

  /** A way to read a spec's problems that may throw (the JSON does not bind). */
  @FunctionalInterface
  interface Problems {
    List<String> of(ObjectNode spec) throws Exception;
  }

  private static void check(List<Probe> probes, ObjectNode base, Problems validator) throws Exception {
    assertThat(validator.of(base)).as("the base spec is valid").isEmpty();
    List<String> failures = new ArrayList<>();
    for (Probe p : probes) {
      ObjectNode spec = base.deepCopy();
      set(spec, p.path().substring("spec.".length()), p.value());
      List<String> problems = validator.of(spec);
      boolean named = problems.stream().anyMatch(m -> m.contains(p.path()));
      if (p.refused() && !named) {
        failures.add(p.path() + " = " + p.value() + " (" + p.why() + ") was not refused by name: " + problems);
      }
      if (!p.refused() && problems.stream().anyMatch(m -> m.startsWith(p.path() + " must"))) {
        failures.add(p.path() + " = " + p.value() + " (" + p.why() + ") is within the schema but refused: " + problems);
      }
    }
    assertThat(failures).isEmpty();
  }

  private static JSONSchemaProps schema(String plural) throws Exception {
    try (InputStream in = SchemaBoundsTest.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + plural + ".fedmesh.io-v1.yml")) {
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }
  }

  private static List<Probe> probes(JSONSchemaProps spec) {
    List<Probe> out = new ArrayList<>();
    walk(spec, "spec", out);
    return out;
  }

  private static void walk(JSONSchemaProps s, String path, List<Probe> out) {
    String type = s.getType();
    if ("integer".equals(type)) {
      if (s.getMinimum() != null) {
        long min = s.getMinimum().longValue();
        out.add(new Probe(path, F.numberNode(min - 1), true, "below minimum " + min));
        out.add(new Probe(path, F.numberNode(min), false, "the minimum"));
      }
      if (s.getMaximum() != null) {
        long max = s.getMaximum().longValue();
        out.add(new Probe(path, F.numberNode(max + 1), true, "above maximum " + max));
        out.add(new Probe(path, F.numberNode(max), false, "the maximum"));
      }
    } else if ("number".equals(type)) {
      out.add(new Probe(path, F.numberNode(Double.NaN), true, "NaN"));
      if (s.getMaximum() == null) {
        out.add(new Probe(path, F.numberNode(Double.POSITIVE_INFINITY), true, "infinite"));
      }
      if (s.getMinimum() != null) {
        double min = s.getMinimum();
        out.add(new Probe(path, F.numberNode(min - Math.max(1e-9, Math.abs(min) / 2)), true, "below minimum " + min));
        out.add(new Probe(path, F.numberNode(min), false, "the minimum"));
      }
      if (s.getMaximum() != null) {
        double max = s.getMaximum();
        out.add(new Probe(path, F.numberNode(max + Math.max(1e-9, Math.abs(max) / 1000)), true, "above maximum " + max));
        out.add(new Probe(path, F.numberNode(max), false, "the maximum"));
      }
    } else if ("string".equals(type) && s.getPattern() != null) {
      out.add(new Probe(path, F.textNode(" not valid!"), true, "does not match " + s.getPattern()));
    } else if ("array".equals(type)) {
      JSONSchemaProps items = s.getItems() == null ? null : s.getItems().getSchema();
      if (s.getMaxItems() != null) {
        out.add(new Probe(path, list(items, s.getMaxItems().intValue() + 1), true, "more than maxItems " + s.getMaxItems()));
      }
      if (s.getMinItems() != null && s.getMinItems() > 0) {
        out.add(new Probe(path, list(items, s.getMinItems().intValue() - 1), true, "fewer than minItems " + s.getMinItems()));
      }
      if (items != null && "object".equals(items.getType())) {
        walk(items, path + "[0]", out); // the base spec holds one valid entry where an array of objects is bounded
      }
    }
    if (s.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> e : s.getProperties().entrySet()) {
        walk(e.getValue(), path + "." + e.getKey(), out);
      }
    }
  }

  /** {@code n} entries that are each valid on their own, so only their count is wrong. */
  private static ArrayNode list(JSONSchemaProps items, int n) {
    ArrayNode a = F.arrayNode();
    for (int i = 0; i < n; i++) {
      if (items != null && "object".equals(items.getType()) && items.getProperties().containsKey("filters")) {
        a.add(F.objectNode().put("filters", 1)); // a cnn's convolution block
      } else if (items != null && "object".equals(items.getType()) && items.getProperties().containsKey("bounds")) {
        a.add(region()); // a box of the burst's sweep
      } else if (items != null && "object".equals(items.getType())) {
        a.add(F.objectNode().put("name", "p" + i).put("min", 0.0).put("max", 0.0));
      } else if (items != null && "string".equals(items.getType())) {
        a.add("item-" + i);
      } else {
        a.add(1);
      }
    }
    return a;
  }

  /** Sets {@code value} at a dotted path below {@code root}; {@code name[0]} is the first entry of an array. */
  private static void set(ObjectNode root, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      boolean indexed = part.endsWith("[0]");
      String name = indexed ? part.substring(0, part.length() - 3) : part;
      boolean last = i == parts.length - 1;
      if (indexed) {
        ArrayNode arr = node.withArray(name);
        if (arr.isEmpty()) {
          arr.addObject();
        }
        if (last) {
          arr.set(0, value);
          return;
        }
        node = (ObjectNode) arr.get(0);
      } else if (last) {
        node.set(name, value);
      } else {
        node = node.has(name) && node.get(name).isObject() ? (ObjectNode) node.get(name) : node.putObject(name);
      }
    }
  }

  /** A training that uses every optional part, valid as it stands. */
  private static ObjectNode baseTraining() {
    ObjectNode s = F.objectNode().put("modelRef", "m").put("rounds", 5);
    s.putObject("participants").put("minSites", 1).put("fraction", 1.0);
    s.putObject("localTraining").put("epochs", 1).put("batchSize", 32).put("learningRate", 0.05).put("labelColumn", "label");
    s.putObject("roundDeadline").put("initialSeconds", 60);
    s.putObject("strategy").put("type", "FedAvg");
    s.putObject("wan").put("compression", "none");
    s.putObject("privacy").put("clipNorm", 1.0).put("noiseMultiplier", 0.0);
    s.putObject("target").put("metric", "loss").put("value", 0.1);
    s.putArray("simulationDataFrom").add("plume");
    ObjectNode a = s.putObject("adaptiveSimulation").put("clusterRef", "campus-hpc").put("trigger", "plateau");
    ObjectNode t = a.putObject("burstTemplate").put("tasks", 8).put("ranksPerTask", 1);
    t.putObject("application").put("grid", 64).put("steps", 10).put("samplesPerTask", 8);
    t.putArray("sweep").addObject().put("name", "windX").put("min", -1.0).put("max", 1.0);
    t.putArray("regions").add(region());
    return s;
  }

  /** One box inside the base template's sweep. */
  private static ObjectNode region() {
    ObjectNode r = F.objectNode();
    r.putArray("bounds").addObject().put("name", "windX").put("min", -1.0).put("max", 0.0);
    return r;
  }

  private static ObjectNode baseModel() {
    ObjectNode s = F.objectNode().put("task", "classification");
    s.putObject("architecture").put("type", "mlp").putArray("hiddenLayers").add(4);
    s.putArray("inputShape").add(2);
    s.putArray("outputShape").add(2);
    return s;
  }
}
