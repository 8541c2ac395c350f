package io.fedmesh.common.model;

import io.fedmesh.proto.federation.v1.ModelSpec;
import java.util.Arrays;

/**
 * A fixed affine map around an MLP (DistributedModel spec.scaling): the network sees
 * {@code (x - inputOffset) / inputScale} and answers {@code outputOffset + outputScale * net(x)},
 * so inputs of very different units (a diffusivity of 0.01 beside a source strength of 10) and a
 * small label reach the layers near unit scale, while data, loss and metric stay in the user's
 * units. It has no trainable parameters, so it never travels in an update.
 *
 * @param inputOffset per input feature; empty: no input scaling
 * @param inputScale per input feature, each positive; the same length as inputOffset
 */
public record FeatureScaling(float[] inputOffset, float[] inputScale, float outputOffset, float outputScale) {
  /** No scaling at all. */
  public static final FeatureScaling NONE = new FeatureScaling(new float[0], new float[0], 0f, 1f);

  public FeatureScaling {
    inputOffset = inputOffset.clone();
    inputScale = inputScale.clone();
    if (inputOffset.length != inputScale.length) {
      throw new IllegalArgumentException("scaling.inputOffset has " + inputOffset.length + " values but scaling.inputScale has "
          + inputScale.length + ": give one offset and one scale per input feature");
    }
    for (float s : inputScale) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("scaling.inputScale values must be positive and finite (got " + s + ")");
      }
    }
    if (!(outputScale > 0) || !Float.isFinite(outputScale) || !Float.isFinite(outputOffset)) {
      throw new IllegalArgumentException("scaling.outputScale must be positive and finite and outputOffset finite (got "
          + outputScale + ", " + outputOffset + ")");
    }
  }

  public boolean scalesInput() {
    return inputScale.length > 0;
  }

  public boolean scalesOutput() {
    return outputOffset != 0f || outputScale != 1f;
  }

  public boolean isIdentity() {
    return !scalesInput() && !scalesOutput();
  }

  void addTo(ModelSpec.Builder b) {
    for (int i = 0; i < inputScale.length; i++) {
      b.addInputOffset(inputOffset[i]).addInputScale(inputScale[i]);
    }
    b.setOutputOffset(outputOffset).setOutputScale(outputScale);
  }

  /** What a ModelSpec carries; an older operator's (no fields: output_scale 0) is no scaling. */
  static FeatureScaling fromProto(ModelSpec spec) {
    float[] offset = new float[spec.getInputOffsetCount()];
    float[] scale = new float[spec.getInputScaleCount()];
    for (int i = 0; i < offset.length; i++) {
      offset[i] = spec.getInputOffset(i);
    }
    for (int i = 0; i < scale.length; i++) {
      scale[i] = spec.getInputScale(i);
    }
    float outScale = spec.getOutputScale() == 0f ? 1f : spec.getOutputScale();
    return new FeatureScaling(offset, scale, spec.getOutputOffset(), outScale);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureScaling s && Arrays.equals(s.inputOffset, inputOffset) && Arrays.equals(s.inputScale, inputScale)
        && s.outputOffset == outputOffset && s.outputScale == outputScale;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inputScale) * 31 + Float.hashCode(outputScale);
  }

  @Override
  public String toString() {
    return isIdentity() ? "no scaling" : "scaling in " + Arrays.toString(inputOffset) + "/" + Arrays.toString(inputScale) + " out "
        + outputOffset + "+" + outputScale + "*y";
  }
}
