package io.fedmesh.edge.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.proto.federation.v1.LocalTraining;
import io.fedmesh.models.BuiltNetwork;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.models.Networks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Local training through DJL (PyTorch engine) of any network a {@link ModelDescription} describes
 * (mlp, cnn, resnet; built by {@link Networks}). Every round starts from the global weights; the
 * flat update is the block's parameters in order, which {@link BuiltNetwork} checks against the
 * layout the operator sent.
 */
public final class DjlTrainer {
  private static final String ENGINE = BuiltNetwork.ENGINE;

  /** sgd or adam, at a fixed learning rate; anything else (an empty name too) is refused by name. */
  static Optimizer optimizer(String name, double lr) {
    return switch (name) {
      case "sgd" -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) lr)).build();
      case "adam" -> Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) lr)).build();
      default -> throw new IllegalArgumentException("optimizer '" + name + "' is unknown: use sgd or adam");
    };
  }

  /** The device of every round, probed once: a GPU when DJL's engine sees one, else the CPU (said once, at INFO). */
  public static Device device() {
    Device d = device;
    if (d == null) {
      synchronized (DjlTrainer.class) {
        if (device == null) {
          boolean gpu = Engine.getEngine(ENGINE).getGpuCount() > 0;
          device = gpu ? Device.gpu() : Device.cpu();
          org.slf4j.LoggerFactory.getLogger(DjlTrainer.class).info("training device: {}", gpu ? "GPU 0 (CUDA)"
              : "CPU (no usable CUDA GPU)");
        }
        d = device;
      }
    }
    return d;
  }

  private static volatile Device device;

  /** The built-in MLP: see {@link #train(ModelDescription, float[], Dataset, LocalTraining, long)}. */
  public TrainResult train(MlpSpec spec, float[] global, Dataset data, LocalTraining cfg, long seed) {
    return train(ModelDescription.of(spec), global, data, cfg, seed);
  }

  /** Trains from {@code global}; settings that {@link LocalTrainingCheck} refuses throw, nothing is filled in. */
  public TrainResult train(ModelDescription spec, float[] global, Dataset data, LocalTraining cfg, long seed) {
    LocalTrainingCheck.problem(cfg).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    if (data.features() != spec.inputWidth()) {
      throw new IllegalArgumentException("the site's data has " + data.features() + " values per sample but the model "
          + spec + " takes " + spec.inputWidth());
    }
    long start = System.nanoTime();
    int epochs = cfg.getEpochs();
    // a batch larger than the data is the whole data
    int batch = Math.max(1, Math.min(cfg.getBatchSize(), data.rows()));
    double lr = cfg.getLearningRate();
    double mu = cfg.getProximalMu();
    // the trainer's configured loss is never evaluated: each step differentiates TrainingLoss (why: see there)
    Loss configured = spec.task() == TaskKind.CLASSIFICATION ? Loss.softmaxCrossEntropyLoss() : Loss.l2Loss("mse", 1.0f);
    try (BuiltNetwork network = BuiltNetwork.build(spec, seed, device())) {
      DefaultTrainingConfig config = new DefaultTrainingConfig(configured)
          .optOptimizer(optimizer(cfg.getOptimizer(), lr))
          .optDevices(new Device[] {device()});
      try (Trainer trainer = network.model().newTrainer(config)) {
        trainer.initialize(Networks.batchShape(spec, batch));
        List<Parameter> params = network.parameters();
        network.load(global);
        NDManager manager = trainer.getManager();
        List<NDArray> anchors = mu > 0 ? snapshot(params, manager) : List.of();
        int[] order = new int[data.rows()];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        Random random = new Random(seed);
        double lossSum = 0;
        long lossCount = 0;
        int f = data.features();
        for (int epoch = 0; epoch < epochs; epoch++) {
          shuffle(order, random);
          for (int from = 0; from < order.length; from += batch) {
            int n = Math.min(batch, order.length - from);
            float[] xb = new float[n * f];
            float[] yb = new float[n];
            for (int k = 0; k < n; k++) {
              int r = order[from + k];
              System.arraycopy(data.x(), r * f, xb, k * f, f);
              yb[k] = data.y()[r];
            }
            try (NDManager step = manager.newSubManager()) {
              NDArray x = step.create(xb, Networks.batchShape(spec, n));
              NDArray y = spec.task() == TaskKind.CLASSIFICATION ? step.create(yb, new Shape(n)) : step.create(yb, new Shape(n, 1));
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray l = TrainingLoss.of(spec.task(), y, pred);
                lossSum += l.getFloat() * n;
                lossCount += n;
                if (mu > 0) {
                  // FedProx: mu/2 * ||w - w_global||^2 keeps local weights near the global model; the
                  // difference would live in the parameters' manager, so it moves to this step's
                  for (int i = 0; i < params.size(); i++) {
                    if (!params.get(i).requiresGradient()) {
                      continue; // batch norm statistics are not trained
                    }
                    NDArray diff = params.get(i).getArray().sub(anchors.get(i));
                    diff.attach(step);
                    l = l.add(diff.square().sum().mul(TrainingLoss.constant(step, (float) (mu / 2))));
                  }
                }
                gc.backward(l);
              }
              step(trainer);
            }
          }
        }
        float[] weights = network.weights();
        if (cfg.getClipNorm() > 0) {
          UpdateClipper.clipAndNoise(weights, global, cfg.getClipNorm(), cfg.getNoiseMultiplier(), new Random(seed ^ 0x5DEECE66DL));
          network.load(weights);
        }
        double metric = ModelEvaluator.evaluate(network, data).metric();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainResult(weights, lossCount == 0 ? 0 : lossSum / lossCount, metric, data.rows(), seconds);
      }
    }
  }

  /** Forward pass through DJL with the given weights (used to pin the layout in tests). */
  /**
   * One optimiser step. DJL refuses the first step of a trainer whose gradients are all zero; a
   * batch the global model already fits exactly (softmax saturated after many rounds on small
   * data) has nothing to learn, so it is skipped instead of failing the site's round.
   */
  private static void step(Trainer trainer) {
    try {
      trainer.step();
    } catch (IllegalStateException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("Gradient values are all zeros")) {
        throw e;
      }
    }
  }

  public static float[] predict(MlpSpec spec, float[] weights, float[] x, int rows) {
    ModelDescription d = ModelDescription.of(spec);
    try (BuiltNetwork n = BuiltNetwork.build(d, 0, Device.cpu())) {
      n.load(weights);
      try (NDManager m = n.model().getNDManager().newSubManager()) {
        NDArray out = n.model().getBlock().forward(new ai.djl.training.ParameterStore(m, false),
            new NDList(m.create(x, Networks.batchShape(d, rows))), false).singletonOrThrow();
        return out.toType(DataType.FLOAT32, false).toFloatArray();
      }
    }
  }

  private static List<NDArray> snapshot(List<Parameter> params, NDManager manager) {
    List<NDArray> out = new ArrayList<>();
    for (Parameter p : params) {
      NDArray c = p.getArray().duplicate();
      c.attach(manager);
      out.add(c);
    }
    return out;
  }

  private static void shuffle(int[] a, Random r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
