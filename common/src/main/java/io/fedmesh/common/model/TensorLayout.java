package io.fedmesh.common.model;

import io.fedmesh.proto.federation.v1.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a model in the order a flat update carries them: each tensor's name and shape.
 * Built where DJL builds the network, carried in the ModelSpec, so an agent can check that the
 * network it built is the one the operator meant, tensor by tensor.
 */
public record TensorLayout(List<Tensor> tensors) {
  /** One parameter tensor. */
  public record Tensor(String name, long[] shape) {
    public Tensor {
      shape = shape.clone();
    }

    public long size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  public TensorLayout {
    tensors = List.copyOf(tensors);
  }

  /** The number of values in every tensor together. */
  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors) {
      n += t.size();
    }
    return n;
  }

  public List<TensorInfo> toProto() {
    List<TensorInfo> out = new ArrayList<>();
    for (Tensor t : tensors) {
      TensorInfo.Builder b = TensorInfo.newBuilder().setName(t.name());
      for (long d : t.shape()) {
        b.addShape(d);
      }
      out.add(b.build());
    }
    return out;
  }

  public static TensorLayout fromProto(List<TensorInfo> infos) {
    List<Tensor> out = new ArrayList<>();
    for (TensorInfo i : infos) {
      out.add(new Tensor(i.getName(), i.getShapeList().stream().mapToLong(Long::longValue).toArray()));
    }
    return new TensorLayout(out);
  }
}
