package io.fedmesh.edge.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedmesh.common.model.ModelDescription;
import java.util.Arrays;

/**
 * One checked Open Inference Protocol (KServe v2) request: {@code inputs[0]} with a name, a shape
 * {@code [n, ...]} whose sample part holds the model's input width, datatype FP32, and data flat
 * or nested. The shape and the count of values are checked before the samples are allocated.
 *
 * @param x {@code n * inputWidth} values, sample after sample
 */
record InferenceRequest(String id, String inputName, int n, float[] x) {
  /** At most this many samples per request: bounds the batch the network runs. */
  static final int MAX_BATCH = 4096;

  /** Thrown for a request the model cannot take; answered 400 with the message. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  static InferenceRequest parse(JsonNode body, ModelDescription model) {
    if (body == null || !body.isObject()) {
      throw new Invalid("body: must be a JSON object with an 'inputs' array");
    }
    JsonNode inputs = body.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw new Invalid("inputs: must be a non-empty array of tensors");
    }
    if (inputs.size() > 1) {
      throw new Invalid("inputs: this model takes one input tensor, got " + inputs.size());
    }
    JsonNode input = inputs.get(0);
    String name = input.path("name").asText("");
    if (name.isEmpty()) {
      throw new Invalid("inputs[0].name: required (any name, e.g. \"input\")");
    }
    String datatype = input.path("datatype").asText("");
    if (!datatype.equals("FP32")) {
      throw new Invalid("inputs[0].datatype: '" + datatype + "' is not served; send FP32");
    }
    int n = batch(input.get("shape"), model);
    JsonNode data = input.get("data");
    if (data == null || !data.isArray()) {
      throw new Invalid("inputs[0].data: required, an array of numbers (flat or nested)");
    }
    int expected = n * model.inputWidth();
    float[] x = new float[expected]; // bounded: n <= MAX_BATCH and the width is the model's
    int filled = flatten(data, x, 0, 0);
    if (filled != expected) {
      throw new Invalid("inputs[0].data: holds " + filled + " values but shape " + input.get("shape") + " needs " + expected);
    }
    JsonNode id = body.get("id");
    return new InferenceRequest(id == null ? null : id.asText(), name, n, x);
  }

  /** The batch size of a shape [n, ...] whose sample part multiplies out to the model's input width. */
  private static int batch(JsonNode shape, ModelDescription model) {
    if (shape == null || !shape.isArray() || shape.size() < 2) {
      throw new Invalid("inputs[0].shape: required, [n, " + dims(model) + "] (or [n, " + model.inputWidth() + "])");
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      JsonNode d = shape.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 1) {
        throw new Invalid("inputs[0].shape[" + i + "]: " + d + " is not a positive integer");
      }
      dims[i] = d.asLong();
    }
    if (dims[0] > MAX_BATCH) {
      throw new Invalid("inputs[0].shape[0]: " + dims[0] + " samples in one request, more than " + MAX_BATCH + "; split the batch");
    }
    long sample = 1;
    for (int i = 1; i < dims.length; i++) {
      sample *= dims[i];
      if (sample > model.inputWidth()) {
        break; // no overflow: stop once it is too large anyway
      }
    }
    if (sample != model.inputWidth()) {
      throw new Invalid("inputs[0].shape: " + shape + " gives samples of " + (sample > model.inputWidth() ? "more than " : "")
          + sample + " values but the model takes " + model.inputWidth() + " ([n, " + dims(model) + "])");
    }
    return (int) dims[0];
  }

  /** Copies the numbers of a (nested) array into {@code x} from {@code at}; returns the count, which may exceed x's length. */
  private static int flatten(JsonNode data, float[] x, int at, int depth) {
    if (depth > 8) {
      throw new Invalid("inputs[0].data: nested deeper than 8 levels");
    }
    int count = at;
    for (JsonNode v : data) {
      if (v.isArray()) {
        count = flatten(v, x, count, depth + 1);
      } else if (v.isNumber()) {
        if (count < x.length) {
          float f = v.floatValue();
          if (!Float.isFinite(f)) {
            throw new Invalid("inputs[0].data[" + count + "]: " + v + " is not a finite FP32 value");
          }
          x[count] = f;
        }
        count++;
      } else {
        throw new Invalid("inputs[0].data: " + v + " at value " + count + " is not a number");
      }
      if (count > x.length) {
        throw new Invalid("inputs[0].data: holds more than the " + x.length + " values the shape needs");
      }
    }
    return count;
  }

  private static String dims(ModelDescription model) {
    return Arrays.toString(model.inputShape()).replace("[", "").replace("]", "");
  }
}
