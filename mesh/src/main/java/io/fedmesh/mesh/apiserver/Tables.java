package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server-side printing a real API server does for `kubectl get`: a meta.k8s.io/v1 Table whose
 * columns are NAME, the CRD's additionalPrinterColumns (field, index and equality-filter JSONPaths,
 * which is what fedmesh's CRDs use) and AGE, so `kubectl get ft` shows phase, round and metric.
 */
final class Tables {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Tables() {}

  /** Whether the request asked for a Table (kubectl get does, with a fallback to plain JSON). */
  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  /** A Table of {@code listOrObject} (a List, or one object) with the columns of {@code version} in {@code crd}. */
  static String of(JsonNode listOrObject, JsonNode crd, String version) {
    JsonNode columns = JSON.createArrayNode();
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        columns = v.path("additionalPrinterColumns");
      }
    }
    ObjectNode table = JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", listOrObject.path("metadata").path("resourceVersion").asText(""));
    ArrayNode defs = table.putArray("columnDefinitions");
    defs.addObject().put("name", "Name").put("type", "string").put("format", "name").put("priority", 0).put("description", "Name");
    for (JsonNode c : columns) {
      defs.addObject().put("name", c.path("name").asText()).put("type", c.path("type").asText("string")).put("format", "")
          .put("priority", c.path("priority").asInt(0)).put("description", c.path("description").asText(""));
    }
    boolean hasAge = false;
    for (JsonNode c : columns) {
      hasAge |= c.path("name").asText().equalsIgnoreCase("age");
    }
    if (!hasAge) {
      defs.addObject().put("name", "Age").put("type", "date").put("format", "").put("priority", 0).put("description", "Age");
    }
    ArrayNode rows = table.putArray("rows");
    Iterable<JsonNode> items = listOrObject.has("items") ? listOrObject.path("items") : java.util.List.of(listOrObject);
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(item.path("metadata").path("name").asText());
      for (JsonNode c : columns) {
        JsonNode value = at(item, c.path("jsonPath").asText());
        if (c.path("type").asText().equals("date") && value.isTextual()) {
          cells.add(age(value.asText()));
        } else if (value.isMissingNode() || value.isNull()) {
          cells.addNull(); // kubectl prints <none>, as for a real server
        } else if (value.isContainerNode()) {
          cells.add(value.toString());
        } else {
          cells.add(value);
        }
      }
      if (!hasAge) {
        cells.add(age(item.path("metadata").path("creationTimestamp").asText("")));
      }
      row.putObject("object").setAll((ObjectNode) partial(item));
    }
    return table.toString();
  }

  /** The object's metadata only, as kubectl asks (includeObject=Metadata) to name rows and print --show-labels. */
  private static JsonNode partial(JsonNode item) {
    ObjectNode meta = JSON.createObjectNode().put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
    meta.set("metadata", item.path("metadata"));
    return meta;
  }

  private static final Pattern STEP =
      Pattern.compile("\\.?([^.\\[]+)|\\[(\\d+)]|\\[\\?\\(@\\.([^=]+)==[\"']([^\"']*)[\"']\\)]");

  /**
   * A printer column's value: the JSONPath subset CRD columns use, field steps, {@code [N]} and
   * {@code [?(@.field=="value")]} (the first match, as the API server prints it); missing when
   * any step finds nothing.
   */
  static JsonNode at(JsonNode node, String jsonPath) {
    List<MatchResult> steps = steps(jsonPath);
    if (steps == null) {
      return MissingNode.getInstance(); // beyond the subset: printed as <none>, never a wrong cell
    }
    JsonNode current = node;
    for (MatchResult step : steps) {
      if (step.group(1) != null) {
        current = current.path(step.group(1));
      } else if (step.group(2) != null) {
        current = current.path(Integer.parseInt(step.group(2)));
      } else {
        JsonNode match = MissingNode.getInstance();
        for (JsonNode element : current) {
          if (element.has(step.group(3)) && element.path(step.group(3)).asText().equals(step.group(4))) {
            match = element;
            break;
          }
        }
        current = match;
      }
    }
    return current;
  }

  /** Whether {@link #at} reads {@code jsonPath} (a CRD test checks every printer column). */
  static boolean readable(String jsonPath) {
    return steps(jsonPath) != null;
  }

  private static List<MatchResult> steps(String jsonPath) {
    Matcher m = STEP.matcher(jsonPath);
    List<MatchResult> steps = new ArrayList<>();
    for (int at = 0; at < jsonPath.length(); at = m.end()) {
      m.region(at, jsonPath.length());
      if (!m.lookingAt()) {
        return null;
      }
      steps.add(m.toMatchResult());
    }
    return steps;
  }

  private static String age(String timestamp) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    Duration d = Duration.between(Instant.parse(timestamp), Instant.now());
    long s = Math.max(0, d.toSeconds());
    return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
  }
}
