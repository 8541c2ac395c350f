package io.fedmesh.edge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.fedmesh.common.model.TaskKind;

/**
 * The loss a local step differentiates: mean squared error for regression, mean softmax
 * cross-entropy for classification, built only from tensor-tensor operations.
 *
 * <p>Why not DJL's {@code L2Loss} and {@code SoftmaxCrossEntropyLoss}: both end with
 * {@code mul(weight)}, and DJL's PyTorch engine does {@code NDArray.mul(Number)} by wrapping the
 * number in a tensor over a direct buffer and closing that tensor at once. Autograd keeps the
 * multiplier for the backward pass, so once the garbage collector frees the buffer the gradient is
 * multiplied by whatever that memory then holds: training went to NaN or far off whenever a GC ran
 * between forward and backward (PlumeDefaultsLearnTest in CI; {@code GcDuringTrainingTest}
 * reproduces it). Any constant in a graph that is differentiated must be a tensor that stays
 * attached to the step's manager until the step ends.
 */
final class TrainingLoss {
  private TrainingLoss() {}

  /** The scalar loss of {@code pred} against {@code label} (labels as class indices for classification). */
  static NDArray of(TaskKind task, NDArray label, NDArray pred) {
    if (task == TaskKind.CLASSIFICATION) {
      long n = pred.getShape().get(0);
      NDArray classes = label.toType(DataType.INT64, false).reshape(n, 1);
      return pred.logSoftmax(1).gather(classes, 1).neg().mean();
    }
    return pred.sub(label.reshape(pred.getShape())).square().mean();
  }

  /** {@code value} as a tensor on {@code manager}: a constant that outlives the backward pass of the step it is used in. */
  static NDArray constant(NDManager manager, float value) {
    return manager.create(value);
  }
}
