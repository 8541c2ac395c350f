package io.fedmesh.edge.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A CNN and a ResNet learn an image problem no single pixel gives away: which of three shapes
 * (horizontal bar, vertical bar, diagonal) is drawn somewhere in a noisy 12 x 12 image. The images
 * go through files as a site has them: PNG image folders for the CNN, IDX files for the ResNet.
 */
class ImageTrainingTest {
  @org.junit.jupiter.api.io.TempDir Path dir;
  static final int SIDE = 12;

  static Dataset shapes(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * SIDE * SIDE];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(3);
      y[i] = label;
      int base = i * SIDE * SIDE;
      for (int p = 0; p < SIDE * SIDE; p++) {
        x[base + p] = (float) (r.nextDouble() * 0.3);
      }
      int row = 2 + r.nextInt(SIDE - 4);
      int col = 2 + r.nextInt(SIDE - 4);
      for (int k = -2; k <= 2; k++) {
        int rr = label == 1 ? row + k : label == 2 ? row + k : row;
        int cc = label == 0 ? col + k : label == 2 ? col + k : col;
        x[base + rr * SIDE + cc] = 1f;
      }
    }
    return new Dataset(Path.of("shapes"), List.of("pixels"), n, SIDE * SIDE, x, y, 3);
  }

  /** One subfolder per class of grey PNGs, as a site would keep its images. */
  static Path imageFolder(Path root, Dataset d) throws Exception {
    for (int i = 0; i < d.rows(); i++) {
      java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(SIDE, SIDE, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < SIDE * SIDE; p++) {
        int v = Math.round(d.x()[i * SIDE * SIDE + p] * 255);
        img.getRaster().setSample(p % SIDE, p / SIDE, 0, v);
      }
      Path cls = root.resolve("shape-" + (int) d.y()[i]);
      java.nio.file.Files.createDirectories(cls);
      javax.imageio.ImageIO.write(img, "png", cls.resolve(i + ".png").toFile());
    }
    return root;
  }

  /** The images as IDX files (gzip), the MNIST format. */
  static Path idx(Path root, Dataset d) throws Exception {
    Dataset shaped = new Dataset(d.source(), d.featureNames(), d.rows(), d.features(), d.x(), d.y(), d.classes(),
        List.of(1, SIDE, SIDE), List.of());
    io.fedmesh.common.data.IdxWriter.write(root, "shapes", shaped);
    return root;
  }

  static Dataset read(Path p) throws Exception {
    return io.fedmesh.common.data.Datasets.read(p, null, "label", TaskKind.CLASSIFICATION);
  }

  double trainedAccuracy(ModelDescription d, boolean asImages) throws Exception {
    ModelDescription resolved = InitialModel.of(d, 5).description();
    float[] w0 = InitialModel.of(d, 5).weights();
    Dataset train = asImages ? read(imageFolder(dir.resolve("train"), shapes(600, 1))) : read(idx(dir.resolve("train"), shapes(600, 1)));
    Dataset test = asImages ? read(imageFolder(dir.resolve("test"), shapes(300, 2))) : read(idx(dir.resolve("test"), shapes(300, 2)));
    assertThat(train.rows()).isEqualTo(600);
    assertThat(train.sampleShape()).containsExactly(1, SIDE, SIDE);
    double before = ModelEvaluator.evaluate(resolved, w0, test).metric();
    TrainResult r = new DjlTrainer().train(resolved, w0, train,
        LocalTraining.newBuilder().setEpochs(4).setBatchSize(32).setLearningRate(0.002).setOptimizer("adam").build(), 9);
    assertThat(r.weights()).hasSize(w0.length);
    double after = ModelEvaluator.evaluate(resolved, r.weights(), test).metric();
    assertThat(after).as("test accuracy after training (before: %s)", before).isGreaterThan(before);
    return after;
  }

  @Test
  void aCnnLearnsShapesFromAnImageFolder() throws Exception {
    ModelDescription cnn = new ModelDescription(ArchitectureType.CNN, new int[] {1, SIDE, SIDE}, 3, TaskKind.CLASSIFICATION,
        new int[] {32}, Activation.RELU, ModelDescription.DEFAULT_CONV, 0, 0, null);
    assertThat(trainedAccuracy(cnn, true)).isGreaterThan(0.9);
  }

  @Test
  void aUsersTorchScriptCnnLearnsShapesFromAnImageFolder(@org.junit.jupiter.api.io.TempDir Path scripts) throws Exception {
    // written by Debian's python3-torch: the agent trains the user's own module through DJL's PyTorch engine
    var ref = io.fedmesh.models.TorchScripts.register(io.fedmesh.models.TorchScriptFixture.cnn(scripts, SIDE, 3));
    ModelDescription mine = ModelDescription.torchScript(new int[] {1, SIDE, SIDE}, 3, TaskKind.CLASSIFICATION, ref);
    assertThat(trainedAccuracy(mine, true)).isGreaterThan(0.85);
  }

  @Test
  void aResNetLearnsShapesFromIdxFiles() throws Exception {
    ModelDescription resnet = new ModelDescription(ArchitectureType.RESNET, new int[] {1, SIDE, SIDE}, 3, TaskKind.CLASSIFICATION,
        new int[0], Activation.RELU, List.of(), 18, 8, null);
    assertThat(trainedAccuracy(resnet, false)).isGreaterThan(0.8);
  }
}
