package io.fedmesh.mesh.wan;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The WAN tests' small problem: two features, two classes, an MLP "m" with one hidden layer. */
final class TwoFeatureSites {
  private TwoFeatureSites() {}

  /** {@code dir/train.csv} with {@code rows} rows of an easy two-class problem; returns {@code dir}. */
  static Path data(Path dir, int rows) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("x1,x2,label\n");
    for (int i = 0; i < rows; i++) {
      csv.append(i % 2 == 0 ? "0.1," : "0.9,").append(i / (double) rows).append(',').append(i % 2).append('\n');
    }
    Files.writeString(dir.resolve("train.csv"), csv);
    return dir;
  }

  /** DistributedModel "m" in namespace default: 2 inputs, {@code hidden} units, 2 classes. */
  static DistributedModel model(int hidden) {
    DistributedModel dm = new DistributedModel();
    dm.setMetadata(new ObjectMetaBuilder().withName("m").withNamespace("default").build());
    DistributedModelSpec s = new DistributedModelSpec();
    s.architecture = new DistributedModelSpec.Architecture();
    s.architecture.hiddenLayers = List.of(hidden);
    s.inputShape = List.of(2);
    s.outputShape = List.of(2);
    dm.setSpec(s);
    return dm;
  }

  /** A FederatedTraining of model "m" in namespace default, any site, quorum 1. */
  static FederatedTraining training(String name, int rounds) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = rounds;
    s.participants.minSites = 1;
    ft.setSpec(s);
    return ft;
  }
}
