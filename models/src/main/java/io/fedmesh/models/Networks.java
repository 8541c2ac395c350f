package io.fedmesh.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.fedmesh.common.model.ConvolutionBlock;
import io.fedmesh.common.model.ModelDescription;

/**
 * The DJL network of a {@link ModelDescription}; the one place that turns a description into
 * blocks, so the operator's layout, the agents' training and the evaluation build the same thing.
 * No softmax at the end: the loss applies it.
 */
public final class Networks {
  private Networks() {}

  public static Block block(ModelDescription d) {
    return switch (d.type()) {
      case MLP -> scaled(d);
      case CNN -> cnn(d);
      case MOBILENETV2 -> {
        imageShape(d);
        yield ai.djl.basicmodelzoo.cv.classification.MobileNetV2.builder().setOutSize(d.outputs()).build();
      }
      case RESNET -> {
        imageShape(d); // refuses a flat input
        yield ResNets.block(d.depth(), d.width(), d.outputs());
      }
      case TORCHSCRIPT -> throw new IllegalArgumentException("a torchscript network is loaded from its file (BuiltNetwork), not built");
    };
  }

  /** The shape of a batch of {@code n} samples as the network takes it: flat for an mlp, (n, C, H, W) for images. */
  public static Shape batchShape(ModelDescription d, long n) {
    if (d.type() == io.fedmesh.common.model.ArchitectureType.MLP) {
      return new Shape(n, d.inputWidth());
    }
    if (d.type() == io.fedmesh.common.model.ArchitectureType.TORCHSCRIPT) {
      long[] s = new long[d.inputShape().length + 1];
      s[0] = n;
      for (int i = 0; i < d.inputShape().length; i++) {
        s[i + 1] = d.inputShape()[i];
      }
      return new Shape(s); // as the user's forward takes it
    }
    Shape image = imageShape(d);
    return new Shape(n, image.get(0), image.get(1), image.get(2));
  }

  /** (C, H, W) of an image model; a two-dimensional input shape is one channel. */
  static Shape imageShape(ModelDescription d) {
    int[] s = d.inputShape();
    return switch (s.length) {
      case 2 -> new Shape(1, s[0], s[1]);
      case 3 -> new Shape(s[0], s[1], s[2]);
      default -> throw new IllegalArgumentException("a " + d.type().wireName() + " needs an image input shape [channels, height, width]"
          + " (got " + java.util.Arrays.toString(s) + ")");
    };
  }

  private static Block cnn(ModelDescription d) {
    SequentialBlock b = new SequentialBlock();
    for (ConvolutionBlock c : d.conv()) {
      b.add(Conv2d.builder().setKernelShape(new Shape(c.kernel(), c.kernel())).optPadding(new Shape(c.kernel() / 2, c.kernel() / 2))
          .setFilters(c.filters()).build());
      b.add(activation(d));
      if (c.pool() > 1) {
        b.add(Pool.maxPool2dBlock(new Shape(c.pool(), c.pool()), new Shape(c.pool(), c.pool())));
      }
    }
    b.add(Blocks.batchFlattenBlock());
    return dense(b, d);
  }

  /** An MLP, inside its fixed input and output scaling when spec.scaling has one. */
  private static SequentialBlock scaled(ModelDescription d) {
    return dense(d.scaling().isIdentity() ? new SequentialBlock() : new ScaledSequentialBlock(d.scaling()), d);
  }

  /** Hidden dense layers with the activation, then the output layer. */
  private static SequentialBlock dense(SequentialBlock b, ModelDescription d) {
    for (int w : d.hidden()) {
      b.add(Linear.builder().setUnits(w).build());
      b.add(activation(d));
    }
    b.add(Linear.builder().setUnits(d.outputs()).build());
    return b;
  }

  private static Block activation(ModelDescription d) {
    return switch (d.activation()) {
      case RELU -> Activation.reluBlock();
      case TANH -> Activation.tanhBlock();
      case SIGMOID -> Activation.sigmoidBlock();
    };
  }
}
