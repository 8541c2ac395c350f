package io.fedmesh.edge.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.models.export.ExportedModel;

/** The v2 answer to an infer request: logits, probabilities and the predicted class (or the value for regression). */
final class InferenceResponse {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InferenceResponse() {}

  static ObjectNode of(ServedModels.Served served, InferenceRequest request, float[][] out) {
    ObjectNode r = JSON.createObjectNode().put("model_name", served.name()).put("model_version", served.version());
    if (request.id() != null) {
      r.put("id", request.id());
    }
    ArrayNode outputs = r.putArray("outputs");
    int n = request.n();
    if (served.model().manifest().description().task() == TaskKind.CLASSIFICATION) {
      int k = out.length == 0 ? 0 : out[0].length;
      ArrayNode logits = tensor(outputs, "logits", "FP32", n, k);
      ArrayNode probabilities = tensor(outputs, "probabilities", "FP32", n, k);
      ArrayNode classes = tensor(outputs, "class", "INT64", n, -1);
      for (float[] row : out) {
        for (float v : row) {
          logits.add(v);
        }
        for (float p : ExportedModel.softmax(row)) {
          probabilities.add(p);
        }
        classes.add(ExportedModel.argMax(row));
      }
    } else {
      ArrayNode values = tensor(outputs, "value", "FP32", n, 1);
      for (float[] row : out) {
        values.add(row[0]);
      }
    }
    return r;
  }

  /** Adds an output tensor of shape [n, k] ([n] when k is -1) and returns its data array. */
  private static ArrayNode tensor(ArrayNode outputs, String name, String datatype, int n, int k) {
    ObjectNode t = outputs.addObject().put("name", name).put("datatype", datatype);
    ArrayNode shape = t.putArray("shape").add(n);
    if (k >= 0) {
      shape.add(k);
    }
    return t.putArray("data");
  }
}
