package io.fedmesh.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fedmesh.common.model.FeatureScaling;

/**
 * A sequential network with a fixed affine map before and after it (DistributedModel
 * spec.scaling). Done in the forward pass instead of as extra child blocks, so the children, and
 * with them the tensor names and the update layout, are those of the bare network.
 */
final class ScaledSequentialBlock extends SequentialBlock {
  private final FeatureScaling scaling;

  ScaledSequentialBlock(FeatureScaling scaling) {
    this.scaling = scaling;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList in = inputs;
    if (scaling.scalesInput()) {
      NDArray x = inputs.singletonOrThrow();
      NDManager m = x.getManager();
      in = new NDList(x.sub(m.create(scaling.inputOffset())).div(m.create(scaling.inputScale())));
    }
    NDList out = super.forwardInternal(ps, in, training, params);
    if (!scaling.scalesOutput()) {
      return out;
    }
    // constants as tensors on the output's manager, never mul(Number): DJL closes the tensor it wraps
    // a number in at once, and autograd would read freed memory in the backward pass (TrainingLoss)
    NDArray y = out.singletonOrThrow();
    NDManager m = y.getManager();
    return new NDList(y.mul(m.create(scaling.outputScale())).add(m.create(scaling.outputOffset())));
  }
}
