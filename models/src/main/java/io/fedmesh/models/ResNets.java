package io.fedmesh.models;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * ResNet v1 for small images from the model zoo's residual units (DJL's own ResNetV1 builder fixes
 * the width): a 3 x 3 stem with no max pooling, four stages of width w, 2w, 4w, 8w (the first at
 * stride 1), global average pooling and the output layer. Depth 18 and 34 use basic units, 50
 * bottleneck units; width 64 is the paper's ResNet (11 M parameters at depth 18).
 */
final class ResNets {
  static final java.util.Set<Integer> DEPTHS = java.util.Set.of(18, 34, 50);
  private static final float MOMENTUM = 0.9f;

  private ResNets() {}

  static Block block(int depth, int width, int outputs) {
    int[] units = switch (depth) {
      case 18 -> new int[] {2, 2, 2, 2};
      case 34, 50 -> new int[] {3, 4, 6, 3};
      default -> throw new IllegalArgumentException("resnet depth " + depth + " is not one of " + DEPTHS);
    };
    boolean bottleneck = depth >= 50;
    SequentialBlock b = new SequentialBlock();
    b.add(Conv2d.builder().setFilters(width).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optBias(false).build());
    b.add(BatchNorm.builder().optEpsilon(2e-5f).optMomentum(MOMENTUM).build());
    b.add(Activation.reluBlock());
    for (int stage = 0; stage < units.length; stage++) {
      int filters = width << stage;
      if (bottleneck) {
        filters *= 4;
      }
      for (int unit = 0; unit < units[stage]; unit++) {
        int stride = stage > 0 && unit == 0 ? 2 : 1;
        // the first unit of a stage changes the width (or the resolution): its shortcut is a 1 x 1 convolution
        boolean sameShape = unit > 0 || (stage == 0 && !bottleneck);
        b.add(ResNetV1.residualUnit(filters, new Shape(stride, stride), sameShape, bottleneck, MOMENTUM));
      }
    }
    b.add(Pool.globalAvgPool2dBlock());
    b.add(Linear.builder().setUnits(outputs).build());
    return b;
  }
}
