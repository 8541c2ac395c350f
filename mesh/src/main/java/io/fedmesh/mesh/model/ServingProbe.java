package io.fedmesh.mesh.model;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.report.RunSummary;
import io.fedmesh.models.export.ExportedModel;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The end of a local run: waits for a site to serve the model (status.servingSites ready), sends
 * it test samples one request each over the Open Inference Protocol and scores its answers.
 */
public final class ServingProbe {
  /** At least this many requests, cycling through a smaller test set. */
  public static final int MIN_REQUESTS = 100;
  /** At most this many: enough to measure, short at the end of a run. */
  static final int MAX_REQUESTS = 500;

  private ServingProbe() {}

  /** The ready serving site of {@code model}, waiting up to {@code timeout}; null when none became ready. */
  public static DistributedModelStatus.ServingSite awaitReady(KubernetesClient client, String namespace, String model, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      DistributedModel m = client.resources(DistributedModel.class).inNamespace(namespace).withName(model).get();
      if (m != null && m.getStatus() != null) {
        for (DistributedModelStatus.ServingSite s : m.getStatus().servingSites) {
          if (Boolean.TRUE.equals(s.ready) && s.port != null) {
            return s;
          }
        }
      }
      Thread.sleep(250); // the status is written asynchronously by the operator: poll it as kubectl wait would
    }
    return null;
  }

  /**
   * Sends {@code requests} samples of {@code test} to the model at {@code host:port} and scores the
   * answers; with {@code exported}, also how many of the answers given by the exported version
   * match its predictions (a site may move to a newer version while the probe runs: the answers
   * of the older one are not compared with an export they did not come from).
   */
  public static RunSummary.Serving score(String site, String host, int port, TlsFiles tls, String model, int[] shape, Dataset test,
      TaskKind task, ExportedModel exported) throws IOException, InterruptedException {
    if (test.rows() == 0) {
      throw new IllegalArgumentException("the test set " + test.source() + " has no rows to send");
    }
    InferenceClient client = new InferenceClient(host, port, tls);
    int requests = Math.max(MIN_REQUESTS, Math.min(test.rows(), MAX_REQUESTS));
    int f = test.features();
    long correct = 0;
    long matches = 0;
    long compared = 0;
    double squared = 0;
    String version = null;
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      int row = i % test.rows();
      float[] sample = Arrays.copyOfRange(test.x(), row * f, (row + 1) * f);
      InferenceClient.Answer a = client.infer(model, shape, sample);
      version = a.version();
      if (exported != null && exported.manifest().version().equals(a.version())) {
        compared++;
        float[] local = exported.outputs(sample, 1)[0];
        matches += task == TaskKind.CLASSIFICATION ? (ExportedModel.argMax(local) == a.predictedClass() ? 1 : 0)
            : (Math.abs(local[0] - a.value()) <= 1e-5 * Math.max(1, Math.abs(local[0])) ? 1 : 0);
      }
      if (task == TaskKind.CLASSIFICATION) {
        correct += a.predictedClass() == (int) test.y()[row] ? 1 : 0;
      } else {
        squared += Math.pow(a.value() - test.y()[row], 2);
      }
    }
    double seconds = Math.round((System.nanoTime() - start) / 1e7) / 100.0;
    Double matchesExport = compared > 0 ? (double) matches / compared : null;
    return task == TaskKind.CLASSIFICATION
        ? new RunSummary.Serving(site, version, requests, (double) correct / requests, null, matchesExport, seconds)
        : new RunSummary.Serving(site, version, requests, null, squared / requests, matchesExport, seconds);
  }
}
