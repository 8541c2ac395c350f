package io.fedmesh.mesh.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode cluster() throws Exception {
    return JSON.readTree("""
        {"metadata": {"name": "hpc"}, "spec": {"scheduler": "slurm"},
         "status": {"queueDepth": 3, "conditions": [
           {"type": "Reachable", "status": "False"}, {"type": "Ready", "status": "True"}]}}""");
  }

  @Test
  void fieldsIndicesAndEqualityFiltersReadAsTheApiServerPrintsThem() throws Exception {
    JsonNode c = cluster();
    assertThat(Tables.at(c, ".spec.scheduler").asText()).isEqualTo("slurm");
    assertThat(Tables.at(c, ".status.queueDepth").asInt()).isEqualTo(3);
    assertThat(Tables.at(c, ".status.conditions[?(@.type==\"Ready\")].status").asText()).isEqualTo("True");
    assertThat(Tables.at(c, ".status.conditions[?(@.type=='Reachable')].status").asText()).isEqualTo("False");
    assertThat(Tables.at(c, ".status.conditions[1].type").asText()).isEqualTo("Ready");
  }

  @Test
  void whatIsNotThereIsMissingNeverAnotherCell() throws Exception {
    JsonNode c = cluster();
    assertThat(Tables.at(c, ".status.conditions[?(@.type==\"Degraded\")].status").isMissingNode()).isTrue();
    assertThat(Tables.at(c, ".status.nodes[0].name").isMissingNode()).isTrue();
    assertThat(Tables.at(c, ".status.conditions[*].status").isMissingNode()).as("beyond the subset").isTrue();
  }

  @Test
  void everyPrinterColumnOfTheGeneratedCrdsIsInTheSubset() throws Exception {
    for (String plural : GeneratedCrds.PLURALS) {
      JsonNode crd = GeneratedCrds.crd(plural);
      for (JsonNode column : crd.path("spec").path("versions").path(0).path("additionalPrinterColumns")) {
        String path = column.path("jsonPath").asText();
        assertThat(Tables.readable(path)).as(crd.path("metadata").path("name").asText() + " column " + path).isTrue();
      }
    }
  }
}
