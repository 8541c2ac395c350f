package io.fedmesh.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every x-kubernetes-validations rule in the generated CRDs, evaluated with CEL on an object that
 * must pass and one that must fail. A new rule without cases here fails the test.
 */
class CelRulesTest {
  record Cases(Object passing, Object failing) {}

  static final Map<String, Cases> CASES = new LinkedHashMap<>();

  static {
    CASES.put("self.all(d, d >= 1)", new Cases(List.of(8L, 2L), List.of(8L, 0L)));
    CASES.put("self.all(w, w >= 1 && w <= 65536)", new Cases(List.of(64L, 32L), List.of(64L, 0L)));
    CASES.put("self.type != 'mlp' || has(self.hiddenLayers)", new Cases(Map.of("type", "mlp", "hiddenLayers", List.of()), Map.of("type", "mlp")));
    CASES.put("(self.type == 'torchscript') == has(self.torchscript)",
        new Cases(Map.of("type", "torchscript", "torchscript", Map.of("file", "net.pt")), Map.of("type", "torchscript")));
    CASES.put("!self.matches('(^|/)[.][.]?(/|$)')", new Cases("models/net.pt", "models/../net.pt"));
    CASES.put("!has(self.maxSites) || self.minSites <= self.maxSites",
        new Cases(Map.of("minSites", 2L, "maxSites", 4L), Map.of("minSites", 5L, "maxSites", 4L)));
    CASES.put("!has(self.minSeconds) || !has(self.maxSeconds) || self.minSeconds <= self.maxSeconds",
        new Cases(Map.of("minSeconds", 5L, "maxSeconds", 60L), Map.of("minSeconds", 90L, "maxSeconds", 60L)));
    CASES.put("self.type != 'TrimmedMean' || (has(self.trimFraction) && self.trimFraction < 0.5)",
        new Cases(Map.of("type", "TrimmedMean", "trimFraction", 0.1), Map.of("type", "TrimmedMean")));
    CASES.put("self.metric != 'accuracy' || (self.value >= 0.0 && self.value <= 1.0)",
        new Cases(Map.of("metric", "accuracy", "value", 0.9), Map.of("metric", "accuracy", "value", 1.5)));
    CASES.put("self.type != 'application' || has(self.name)",
        new Cases(Map.of("type", "application", "name", "blobs-sampler"), Map.of("type", "application")));
    CASES.put("self.type != 'command' || has(self.command)",
        new Cases(Map.of("type", "command", "command", "./sim"), Map.of("type", "command")));
    CASES.put("!has(self.epsilonBudget) || (self.epsilonBudget > 0.0 && has(self.clipNorm) && self.clipNorm > 0.0"
        + " && has(self.noiseMultiplier) && self.noiseMultiplier > 0.0)",
        new Cases(Map.of("epsilonBudget", 8.0, "clipNorm", 1.0, "noiseMultiplier", 1.1), Map.of("epsilonBudget", 8.0, "clipNorm", 1.0)));
    CASES.put("!has(self.delta) || (self.delta > 0.0 && self.delta < 1.0)",
        new Cases(Map.of("delta", 1e-5), Map.of("delta", 1.0)));
    CASES.put("self.min <= self.max", new Cases(Map.of("min", 0.0, "max", 1.0), Map.of("min", 2.0, "max", 1.0)));
    CASES.put("(has(self.inputOffset) ? size(self.inputOffset) : 0) == (has(self.inputScale) ? size(self.inputScale) : 0)",
        new Cases(Map.of("inputOffset", List.of(0.5, 0.0), "inputScale", List.of(0.3, 1.0)), Map.of("inputOffset", List.of(0.5))));
    CASES.put("!has(self.outputScale) || self.outputScale > 0.0", new Cases(Map.of("outputScale", 0.1), Map.of("outputScale", 0.0)));
    CASES.put("self.all(s, s > 0.0)", new Cases(List.of(0.3, 1.0), List.of(0.3, -1.0)));
    CASES.put(FederatedTrainingSpec.BUFFERED_ASYNC_ONLY_RULE, new Cases(
        Map.of("type", "BufferedAsync", "bufferedAsync", Map.of("bufferSize", 3L)),
        Map.of("type", "FedAvg", "bufferedAsync", Map.of("bufferSize", 3L))));
    CASES.put(FederatedTrainingSpec.KRUM_QUORUM_RULE, new Cases(
        Map.of("strategy", Map.of("type", "Krum", "krum", Map.of("byzantine", 2L)), "participants", Map.of("minSites", 7L)),
        Map.of("strategy", Map.of("type", "Krum"), "participants", Map.of("minSites", 4L))));
  }

  static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .addVar("self", SimpleType.DYN)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  static boolean eval(String rule, Object self) throws Exception {
    CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
    return (Boolean) RUNTIME.createProgram(ast).eval(Map.of("self", self));
  }

  static Set<String> rulesInGeneratedCrds() throws Exception {
    Set<String> rules = new LinkedHashSet<>();
    for (String plural : GeneratedCrds.PLURALS) {
      collect(GeneratedCrds.tree(plural), rules);
    }
    return rules;
  }

  private static void collect(JsonNode node, Set<String> rules) {
    if (node.has("x-kubernetes-validations")) {
      node.get("x-kubernetes-validations").forEach(v -> rules.add(v.get("rule").asText()));
    }
    node.forEach(child -> collect(child, rules));
  }

  @Test
  void everyRuleHasCasesAndTheyBehave() throws Exception {
    Set<String> rules = rulesInGeneratedCrds();
    assertThat(rules).isNotEmpty();
    assertThat(CASES.keySet()).as("rules found in the CRDs that this test has no cases for").containsAll(rules);
    for (String rule : rules) {
      Cases c = CASES.get(rule);
      assertThat(eval(rule, c.passing())).as("%s on %s", rule, c.passing()).isTrue();
      assertThat(eval(rule, c.failing())).as("%s on %s", rule, c.failing()).isFalse();
    }
  }
}
