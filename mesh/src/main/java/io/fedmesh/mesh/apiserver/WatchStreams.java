package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `kubectl get -w`: a watch as a real API server streams it over HTTP, one JSON event per line
 * ({"type": "ADDED|MODIFIED|DELETED", "object": ...}), an object as a one-row Table when kubectl
 * asked for tables. The fabric8 mock serves watches only over WebSocket, so the events come from a
 * fabric8 watch on the mock and are written here as they arrive.
 */
final class WatchStreams {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RESOURCE = Pattern.compile(
      "/(?:api/(v1)|apis/([^/]+)/([^/]+))(?:/namespaces/([^/]+))?/([^/]+)/?");

  private final KubernetesClient client;
  private final Supplier<List<JsonNode>> crds;

  WatchStreams(KubernetesClient client, Supplier<List<JsonNode>> crds) {
    this.client = client;
    this.crds = crds;
  }

  /** The watch this path and query describe, or empty when they are not a watch of a collection. */
  Optional<Request> parse(String path, java.util.Map<String, String> query) {
    if (!"true".equals(query.get("watch")) && !"1".equals(query.get("watch"))) {
      return Optional.empty();
    }
    Matcher m = RESOURCE.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    String group = m.group(1) != null ? "" : m.group(2);
    String version = m.group(1) != null ? m.group(1) : m.group(3);
    return Optional.of(new Request(group, version, m.group(4), m.group(5), query.get("fieldSelector"), query.get("labelSelector"),
        parseTimeout(query.get("timeoutSeconds")), parseVersion(query.get("resourceVersion"))));
  }

  /** @param since the resourceVersion the client listed at: objects it already has are not sent again as ADDED */
  record Request(String group, String version, String namespace, String plural, String fieldSelector, String labelSelector,
      long timeoutSeconds, long since) {}

  /** Streams events to {@code out} until the client goes away or the timeout passes. */
  void stream(Request r, boolean tables, OutputStream out) throws InterruptedException {
    Optional<JsonNode> crd = crds.get().stream().filter(c -> c.path("spec").path("group").asText().equals(r.group)
        && c.path("spec").path("names").path("plural").asText().equals(r.plural)).findFirst();
    ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(r.group).withVersion(r.version)
        .withPlural(r.plural).withNamespaced(r.namespace != null).build();
    var resources = client.genericKubernetesResources(context);
    var scoped = r.namespace != null ? resources.inNamespace(r.namespace) : resources.inAnyNamespace();
    String onlyName = r.fieldSelector != null && r.fieldSelector.startsWith("metadata.name=")
        ? r.fieldSelector.substring("metadata.name=".length()) : null;
    CountDownLatch gone = new CountDownLatch(1);
    Watcher<GenericKubernetesResource> watcher = new Watcher<>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource resource) {
        if (onlyName != null && !onlyName.equals(resource.getMetadata().getName())) {
          return;
        }
        if (action == Action.ADDED && parseVersion(resource.getMetadata().getResourceVersion()) <= r.since) {
          return; // the mock replays what exists; kubectl listed it already
        }
        try {
          JsonNode object = JSON.valueToTree(resource);
          ObjectNode event = JSON.createObjectNode().put("type", action.name());
          event.set("object", tables && crd.isPresent() ? JSON.readTree(Tables.of(object, crd.get(), r.version)) : object);
          synchronized (out) {
            out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        } catch (IOException e) {
          gone.countDown(); // kubectl went away
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        gone.countDown();
      }
    };
    Watch watch = r.labelSelector != null && !r.labelSelector.isBlank()
        ? scoped.withLabelSelector(r.labelSelector).watch(watcher) : scoped.watch(watcher);
    try {
      gone.await(r.timeoutSeconds, TimeUnit.SECONDS);
    } finally {
      watch.close();
    }
  }

  private static long parseVersion(String text) {
    try {
      return text == null || text.isBlank() ? -1 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long parseTimeout(String text) {
    try {
      return text == null ? 3600 : Math.max(1, Math.min(3600, Long.parseLong(text)));
    } catch (NumberFormatException e) {
      return 3600;
    }
  }
}
