package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.FeatureScaling;
import java.util.List;

/** DistributedModel spec.scaling: the same bounds as the schema and CEL rules, plus what they cannot say (NaN, widths). */
final class ScalingCheck {
  static final int MAX_VALUES = 4096;

  private ScalingCheck() {}

  /** The scaling to build, or {@link FeatureScaling#NONE}; problems name the field and the fix. */
  static FeatureScaling check(DistributedModelSpec.Scaling s, ArchitectureType type, int inputs, List<String> p) {
    if (s == null) {
      return FeatureScaling.NONE;
    }
    if (type != ArchitectureType.MLP) {
      p.add("spec.scaling is for an mlp only (this is a " + type.wireName() + "): drop it, or scale the images in the data");
      return FeatureScaling.NONE;
    }
    int before = p.size();
    Bounds.items(p, "spec.scaling.inputOffset", s.inputOffset, 0, MAX_VALUES);
    Bounds.items(p, "spec.scaling.inputScale", s.inputScale, 0, MAX_VALUES);
    List<Double> offset = s.inputOffset == null ? List.of() : s.inputOffset;
    List<Double> scale = s.inputScale == null ? List.of() : s.inputScale;
    if (offset.size() != scale.size()) {
      p.add("spec.scaling.inputOffset has " + offset.size() + " values but spec.scaling.inputScale has " + scale.size()
          + ": give one of each per input feature");
    } else if (!offset.isEmpty() && offset.size() != inputs) {
      p.add("spec.scaling.inputScale has " + scale.size() + " values but the model takes " + inputs + " inputs (spec.inputShape):"
          + " give one offset and scale per input feature");
    }
    for (int i = 0; i < offset.size(); i++) {
      if (offset.get(i) == null || !Float.isFinite(offset.get(i).floatValue())) {
        p.add("spec.scaling.inputOffset[" + i + "] must be a finite number within float range (got " + offset.get(i) + ")");
      }
    }
    for (int i = 0; i < scale.size(); i++) {
      Double v = scale.get(i);
      if (v == null || !(v.floatValue() > 0) || !Float.isFinite(v.floatValue())) {
        p.add("spec.scaling.inputScale[" + i + "] must be positive and finite (got " + v + ")");
      }
    }
    if (s.outputOffset != null && !Float.isFinite(s.outputOffset.floatValue())) {
      p.add("spec.scaling.outputOffset must be a finite number within float range (got " + s.outputOffset + ")");
    }
    if (s.outputScale != null && !(s.outputScale.floatValue() > 0 && Float.isFinite(s.outputScale.floatValue()))) {
      p.add("spec.scaling.outputScale must be positive and finite (got " + s.outputScale + ")");
    }
    if (p.size() > before) {
      return FeatureScaling.NONE;
    }
    float[] o = new float[offset.size()];
    float[] sc = new float[scale.size()];
    for (int i = 0; i < o.length; i++) {
      o[i] = offset.get(i).floatValue();
      sc[i] = scale.get(i).floatValue();
    }
    return new FeatureScaling(o, sc, s.outputOffset == null ? 0f : s.outputOffset.floatValue(),
        s.outputScale == null ? 1f : s.outputScale.floatValue());
  }
}
