package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.DistributedModelSpec.Architecture;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ConvolutionBlock;
import io.fedmesh.common.model.ModelDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of a cnn or resnet spec: an image input shape, convolution blocks that leave at
 * least one pixel, a resnet depth DJL's units build, and no field of another architecture. Every
 * problem names its field and the fix.
 */
final class ImageArchitectures {
  static final Set<Integer> RESNET_DEPTHS = Set.of(18, 34, 50);
  static final int DEFAULT_RESNET_DEPTH = 18;
  static final int DEFAULT_RESNET_WIDTH = 16;

  /** What a valid image spec resolves to (defaults filled in). */
  record Settings(int[] inputShape, List<ConvolutionBlock> conv, int[] head, int depth, int width) {}

  private ImageArchitectures() {}

  /** The settings, or null with the problems added to {@code p}. */
  static Settings check(ArchitectureType type, DistributedModelSpec spec, List<String> p) {
    Architecture a = spec.architecture;
    int before = p.size();
    String name = type.wireName();
    Bounds.items(p, "spec.architecture.convolutions", a.convolutions, 0, 8);
    Bounds.items(p, "spec.architecture.head", a.head, 0, 8);
    if (a.hiddenLayers != null && !a.hiddenLayers.isEmpty()) {
      p.add("spec.architecture.hiddenLayers is for an mlp: a " + name + (type == ArchitectureType.CNN
          ? "'s dense layers are spec.architecture.head" : " has no hidden layers to set") + "; remove hiddenLayers");
    }
    int[] shape = imageShape(spec.inputShape, name, p);
    List<ConvolutionBlock> conv = List.of();
    int[] head = new int[0];
    int depth = 0;
    int width = 0;
    if (type == ArchitectureType.CNN) {
      conv = convolutions(a.convolutions, shape, p);
      head = a.head == null ? ModelDescription.DEFAULT_CNN_HEAD : head(a.head, p);
    } else if (type == ArchitectureType.MOBILENETV2) {
      if (shape != null && (shape[1] < 32 || shape[2] < 32)) {
        p.add("spec.inputShape " + spec.inputShape + " is too small for a mobilenetv2, which halves the image five times: use at"
            + " least 32 x 32 pixels, or a cnn or resnet");
      }
    } else {
      depth = a.depth == null ? DEFAULT_RESNET_DEPTH : a.depth;
      width = a.width == null ? DEFAULT_RESNET_WIDTH : a.width;
      if (!RESNET_DEPTHS.contains(depth)) {
        p.add("spec.architecture.depth must be 18, 34 or 50 for a resnet (got " + depth + ")");
      }
      if (width < 1 || width > 128) {
        p.add("spec.architecture.width must be between 1 and 128 (got " + width + "); 16 is the default, 64 the paper's");
      }
      if (shape != null && (shape[1] < 8 || shape[2] < 8)) {
        p.add("spec.inputShape " + spec.inputShape + " is too small for a resnet, which halves the image three times: use at least"
            + " 8 x 8 pixels, or a cnn");
      }
    }
    return p.size() > before || shape == null ? null : new Settings(shape, conv, head, depth, width);
  }

  /** [channels, height, width], or [height, width] as one channel. */
  private static int[] imageShape(List<Integer> s, String name, List<String> p) {
    if (s == null || s.isEmpty() || s.stream().anyMatch(d -> d == null || d < 1)) {
      return null; // the general shape check has said so
    }
    if (s.size() == 2) {
      return new int[] {1, s.get(0), s.get(1)};
    }
    if (s.size() != 3) {
      p.add("spec.inputShape must be [channels, height, width] for a " + name + ", e.g. [1, 28, 28] (got " + s + ")");
      return null;
    }
    if (s.get(0) > 4) {
      p.add("spec.inputShape " + s + " has " + s.get(0) + " channels: a " + name + " takes [channels, height, width] with 1 to 4"
          + " channels (is the shape in height, width, channels order?)");
      return null;
    }
    return new int[] {s.get(0), s.get(1), s.get(2)};
  }

  private static List<ConvolutionBlock> convolutions(List<DistributedModelSpec.Convolution> given, int[] shape, List<String> p) {
    if (given == null) {
      return ModelDescription.DEFAULT_CONV;
    }
    if (given.isEmpty()) {
      p.add("spec.architecture.convolutions is empty: a cnn needs at least one block (or leave it out for LeNet's), or use an mlp");
      return List.of();
    }
    List<ConvolutionBlock> out = new ArrayList<>();
    int h = shape == null ? Integer.MAX_VALUE : shape[1];
    int w = shape == null ? Integer.MAX_VALUE : shape[2];
    for (int i = 0; i < given.size(); i++) {
      DistributedModelSpec.Convolution c = given.get(i);
      String f = "spec.architecture.convolutions[" + i + "]";
      int filters = c == null || c.filters == null ? 0 : c.filters;
      int kernel = c == null || c.kernel == null ? 3 : c.kernel;
      int pool = c == null || c.pool == null ? 2 : c.pool;
      if (filters < 1 || filters > 1024) {
        p.add(f + ".filters must be between 1 and 1024 (got " + (c == null ? null : c.filters) + ")");
        continue;
      }
      if (kernel < 1 || kernel % 2 == 0 || kernel > Math.min(h, w)) {
        p.add(f + ".kernel must be odd and at most the " + Math.min(h, w) + " pixels left at that block (got " + kernel + ")");
        continue;
      }
      if (pool < 1 || pool > Math.min(h, w)) {
        p.add(f + ".pool must be between 1 and the " + Math.min(h, w) + " pixels left at that block (got " + pool + "); the blocks"
            + " before it pooled the image down to " + h + " x " + w);
        continue;
      }
      h /= pool;
      w /= pool;
      out.add(new ConvolutionBlock(filters, kernel, pool));
    }
    return out;
  }

  private static int[] head(List<Integer> head, List<String> p) {
    for (int i = 0; i < head.size(); i++) {
      Integer w = head.get(i);
      if (w == null || w < 1 || w > 65536) {
        p.add("spec.architecture.head[" + i + "] must be between 1 and 65536 (got " + w + ")");
      }
    }
    return head.stream().mapToInt(x -> x == null ? 1 : x).toArray();
  }

  /** Settings of one architecture set on another: each is refused by name (convolutions and head are a cnn's, depth and width a resnet's). */
  static void foreignFields(ArchitectureType type, Architecture a, List<String> p) {
    onlyFor(type, ArchitectureType.CNN, a.convolutions, "convolutions", p);
    onlyFor(type, ArchitectureType.CNN, a.head, "head", p);
    onlyFor(type, ArchitectureType.RESNET, a.depth, "depth", p);
    onlyFor(type, ArchitectureType.RESNET, a.width, "width", p);
    onlyFor(type, ArchitectureType.TORCHSCRIPT, a.torchscript, "torchscript", p);
  }

  private static void onlyFor(ArchitectureType type, ArchitectureType owner, Object value, String field, List<String> p) {
    if (value != null && type != owner) {
      p.add("spec.architecture." + field + " is only for a " + owner.wireName() + ": remove it or change spec.architecture.type");
    }
  }
}
