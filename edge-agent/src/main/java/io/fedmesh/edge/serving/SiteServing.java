package io.fedmesh.edge.serving;

import ai.djl.Device;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.models.BuiltNetwork;
import io.fedmesh.models.export.ExportManifest;
import io.fedmesh.models.export.ExportedModel;
import io.fedmesh.proto.federation.v1.ServeModel;
import io.fedmesh.proto.federation.v1.ServingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this site serves, as the coordinator says on every heartbeat ack: downloads a wanted
 * version (one at a time, off the heartbeat thread), swaps it in, drops a model no longer wanted,
 * and reports each model's state with the next heartbeat.
 */
public final class SiteServing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SiteServing.class);

  private final String site;
  private final CoordinatorClient client;
  private final ServedModels models;
  /** The inference port, or -1 when the agent was not started with --serve-port. */
  private final int port;
  private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "serving-loader");
    t.setDaemon(true);
    return t;
  });
  private volatile List<ServeModel> wanted = List.of();
  /** model name -> version being downloaded. */
  private final Map<String, String> loading = new ConcurrentHashMap<>();
  /** A failed load is tried again after this long (a broken link heals; a bad version stays bad and says so). */
  private static final long RETRY_NANOS = 10_000_000_000L;

  private record Failure(String version, String message, long atNanos) {}

  /** model name -> why its wanted version could not be loaded. */
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  public SiteServing(String site, CoordinatorClient client, ServedModels models, int port) {
    this.site = site;
    this.client = client;
    this.models = models;
    this.port = port;
  }

  /** The coordinator's list on an ack: every model to serve now. */
  public void wanted(List<ServeModel> serve) {
    wanted = List.copyOf(serve);
    if (port < 0) {
      return; // nothing is served without --serve-port; the report says so
    }
    for (String name : models.all().keySet()) {
      if (serve.stream().noneMatch(m -> m.getModel().equals(name))) {
        LOG.info("site {}: no longer serving {}", site, name);
        models.remove(name);
      }
    }
    for (ServeModel m : serve) {
      boolean served = models.get(m.getModel()).map(s -> s.version().equals(m.getVersion())).orElse(false);
      Failure failed = failures.get(m.getModel());
      boolean backingOff = failed != null && failed.version().equals(m.getVersion()) && System.nanoTime() - failed.atNanos() < RETRY_NANOS;
      if (served || m.getVersion().equals(loading.get(m.getModel())) || backingOff) {
        continue;
      }
      loading.put(m.getModel(), m.getVersion());
      loader.execute(() -> load(m));
    }
  }

  private void load(ServeModel m) {
    try {
      CoordinatorClient.Downloaded d = client.download(m.getTraining(), m.getVersion(), site);
      ModelDescription description = ModelDescription.fromProto(d.spec());
      long parameters = description.parameterCount();
      if (parameters <= 0 || (long) d.f32().length != parameters * Float.BYTES) {
        throw new IllegalStateException("model " + m.getVersion() + " arrived with " + d.f32().length + " bytes but its spec has "
            + parameters + " parameters");
      }
      float[] weights = UpdateCodec.decode(d.f32(), UpdateEncoding.F32, (int) parameters);
      BuiltNetwork net = BuiltNetwork.build(description, 0, Device.cpu()); // checks the spec's tensors against the network
      try {
        net.load(weights);
      } catch (RuntimeException e) {
        net.close();
        throw e;
      }
      ExportManifest manifest = ExportManifest.of(net.resolved(), m.getVersion(), description.task().metricName(), null, weights, List.of());
      models.put(new ServedModels.Served(m.getModel(), m.getTraining(), ExportedModel.inMemory(manifest, net)));
      failures.remove(m.getModel());
      LOG.info("site {}: serving {} version {} ({})", site, m.getModel(), m.getVersion(), description);
    } catch (RuntimeException e) {
      LOG.warn("site {}: cannot serve {} version {}: {}", site, m.getModel(), m.getVersion(), e.getMessage());
      failures.put(m.getModel(), new Failure(m.getVersion(), e.getMessage(), System.nanoTime()));
    } finally {
      loading.remove(m.getModel(), m.getVersion());
    }
  }

  /** Each wanted model's state, for the heartbeat. */
  public List<ServingState> states() {
    List<ServingState> out = new ArrayList<>();
    for (ServeModel m : wanted) {
      ServingState.Builder s = ServingState.newBuilder().setModel(m.getModel()).setPort(Math.max(port, 0));
      ServedModels.Served served = models.get(m.getModel()).orElse(null);
      if (served != null) {
        s.setVersion(served.version());
      }
      if (port < 0) {
        s.setMessage("the agent of " + site + " serves nothing: start it with --serve-port (the chart's serving.port)");
      } else if (served != null && served.version().equals(m.getVersion())) {
        s.setReady(true);
      } else if (failures.containsKey(m.getModel())) {
        Failure f = failures.get(m.getModel());
        s.setMessage("cannot load " + f.version() + ": " + f.message());
      } else {
        s.setMessage("downloading " + m.getVersion());
      }
      out.add(s.build());
    }
    return out;
  }

  @Override
  public void close() {
    loader.shutdownNow();
    models.close();
  }
}
