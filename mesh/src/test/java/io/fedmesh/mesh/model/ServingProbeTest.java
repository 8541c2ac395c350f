package io.fedmesh.mesh.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.common.security.CertificateAuthority;
import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.edge.serving.InferenceServer;
import io.fedmesh.edge.serving.ServedModels;
import io.fedmesh.mesh.report.RunSummary;
import io.fedmesh.models.BuiltNetwork;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.export.ExportManifest;
import io.fedmesh.models.export.ExportedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mesh's closing check against a real inference server over mutual TLS: one request per sample, scored. */
class ServingProbeTest {
  @TempDir Path dir;

  @Test
  void scoresTheServedPredictionsOverAtLeastAHundredRequests() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(1));
    Instant now = Instant.now().minusSeconds(60);
    ca.issue(PeerIdentity.site("ns", "site-0"), List.of("localhost", "127.0.0.1"), now, Duration.ofDays(1), dir.resolve("site"));
    ca.issue(PeerIdentity.operator("ns"), List.of(), now, Duration.ofDays(1), dir.resolve("client"));

    ModelDescription d = ModelDescription.of(new MlpSpec(new int[] {3, 8, 4}, Activation.RELU, TaskKind.CLASSIFICATION));
    float[] w = InitialModel.of(d, 5).weights();
    BuiltNetwork net = BuiltNetwork.build(d, 0, Device.cpu());
    net.load(w);
    ExportedModel model = ExportedModel.inMemory(ExportManifest.of(net.resolved(), "ft-r3", "accuracy", null, w, List.of()), net);

    // 40 test rows labelled with the model's own class on even rows and a wrong one on odd rows
    int rows = 40;
    Random r = new Random(2);
    float[] x = new float[rows * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[][] out = model.outputs(x, rows);
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      int c = ExportedModel.argMax(out[i]);
      y[i] = i % 2 == 0 ? c : (c + 1) % 4;
    }
    Dataset test = new Dataset(dir, List.of("a", "b", "c"), rows, 3, x, y, 4);

    try (ServedModels models = new ServedModels();
        InferenceServer server = InferenceServer.start("127.0.0.1", 0, TlsFiles.fromDirectory(dir.resolve("site")), models)) {
      models.put(new ServedModels.Served("local-mlp", "ns/ft", model));
      RunSummary.Serving s = ServingProbe.score("site-0", "127.0.0.1", server.port(), TlsFiles.fromDirectory(dir.resolve("client")),
          "local-mlp", new int[] {3}, test, TaskKind.CLASSIFICATION, model);
      assertThat(s.requests()).isEqualTo(100);
      assertThat(s.version()).isEqualTo("ft-r3");
      assertThat(s.accuracy()).isEqualTo(0.5); // 50 of the 100 requests (the test set cycled) hit an even row
      assertThat(s.mse()).isNull();
      assertThat(s.matchesExport()).as("the served answers are the model's own predictions").isEqualTo(1.0);
    }
  }
}
