package io.fedmesh.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The chart ships the CRDs; its copy must be exactly what the build generates from the Java model. */
class CrdChartSyncTest {
  static final java.util.List<String> PLURALS = GeneratedCrds.PLURALS;

  @ParameterizedTest
  @FieldSource("PLURALS")
  void chartCopyMatchesTheGeneratedCrd(String plural) throws Exception {
    Path copy = Path.of("..", "charts", "fedmesh-operator", "crds", GeneratedCrds.fileName(plural));
    assertThat(copy).as("chart copy of %s; create it with ./mvnw -pl crds process-classes -Pupdate-chart-crds", plural).exists();
    assertThat(Files.readString(copy))
        .as("charts/fedmesh-operator/crds/%s is stale: refresh it with ./mvnw -pl crds process-classes -Pupdate-chart-crds",
            GeneratedCrds.fileName(plural))
        .isEqualTo(new String(GeneratedCrds.bytes(plural), java.nio.charset.StandardCharsets.UTF_8));
  }
}
