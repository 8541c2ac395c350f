package io.fedmesh.models.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.proto.federation.v1.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code fedmesh-model.json}: what an exported model is (the architecture with its tensor layout,
 * in the ModelSpec's JSON form), what it was measured at, which version it is and the sha256 of
 * the weights and of every file beside it, so a reader can refuse a tampered or truncated export.
 *
 * @param classNames empty when the names are not known (then the class index is the name)
 * @param weightsDigest {@code sha256:<hex>} of the flat little-endian float32 weights (the version's digest in the status)
 * @param files file name to hex sha256 of that file in the model directory
 */
public record ExportManifest(ModelDescription description, List<String> classNames, String metricName, Double metric,
    String version, String weightsDigest, Map<String, String> files) {
  public static final String FILE = "fedmesh-model.json";
  public static final String FORMAT = "fedmesh-model/v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  public ExportManifest {
    classNames = List.copyOf(classNames);
    files = Map.copyOf(files);
  }

  /** The manifest of {@code weights} as version {@code version}, before its files are written. */
  public static ExportManifest of(ModelDescription description, String version, String metricName, Double metric, float[] weights,
      List<String> classNames) {
    return new ExportManifest(description, classNames, metricName, metric, version, io.fedmesh.common.codec.Digests.sha256(weights),
        Map.of());
  }

  /** Number of classes, or 0 for regression. */
  public int classes() {
    return description.task() == io.fedmesh.common.model.TaskKind.CLASSIFICATION ? description.outputs() : 0;
  }

  /** The name of class {@code index}: its known name, else the index. */
  public String className(int index) {
    return index < classNames.size() ? classNames.get(index) : String.valueOf(index);
  }

  byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    try {
      root.set("architecture", JSON.readTree(JsonFormat.printer().print(description.toProto())));
    } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the architecture of " + description + " as JSON", e);
    }
    root.putPOJO("inputShape", description.inputShape());
    root.put("task", description.task().name().toLowerCase());
    root.put("classes", classes());
    root.putPOJO("classNames", classNames);
    root.put("metricName", metricName);
    if (metric != null) {
      root.put("metric", metric);
    }
    root.put("version", version);
    root.put("weightsDigest", weightsDigest);
    root.putPOJO("files", new java.util.TreeMap<>(files));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + FILE, e);
    }
  }

  /** Parses and checks a manifest; every problem names the field. */
  static ExportManifest parse(byte[] bytes, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new ExportException(where + " is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ExportException(where + " must hold a JSON object");
    }
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new ExportException(where + ": field 'format' is '" + root.path("format").asText() + "', expected '" + FORMAT
          + "' (export the model again with this fedmesh)");
    }
    ModelDescription d;
    try {
      ModelSpec.Builder spec = ModelSpec.newBuilder();
      JsonFormat.parser().merge(required(root, "architecture", where).toString(), spec);
      d = ModelDescription.fromProto(spec.build());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new ExportException(where + ": field 'architecture' is not a valid model spec: " + e.getMessage());
    }
    if (d.layout().tensors().isEmpty()) {
      throw new ExportException(where + ": field 'architecture' lists no tensors; the layout is needed to load the weights");
    }
    int[] shape = JSON.convertValue(required(root, "inputShape", where), int[].class);
    if (!Arrays.equals(shape, d.inputShape())) {
      throw new ExportException(where + ": field 'inputShape' " + Arrays.toString(shape) + " disagrees with the architecture's "
          + Arrays.toString(d.inputShape()));
    }
    List<String> names = new ArrayList<>();
    root.path("classNames").forEach(n -> names.add(n.asText()));
    Map<String, String> files = new LinkedHashMap<>();
    required(root, "files", where).properties().forEach(e -> files.put(e.getKey(), e.getValue().asText()));
    if (files.isEmpty()) {
      throw new ExportException(where + ": field 'files' is empty; it must list the weights file and its sha256");
    }
    JsonNode metric = root.path("metric");
    return new ExportManifest(d, names, root.path("metricName").asText(d.task().metricName()),
        metric.isNumber() ? metric.asDouble() : null, required(root, "version", where).asText(),
        required(root, "weightsDigest", where).asText(), files);
  }

  private static JsonNode required(JsonNode root, String field, String where) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new ExportException(where + " lacks the field '" + field + "'");
    }
    return n;
  }
}
