package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.DistributedModelSpec.Architecture;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cnn or resnet spec resolves to a network with its tensor layout, or every bad field is named with its fix. */
class ImageArchitecturesTest {
  static DistributedModelSpec spec(Architecture.Type type, List<Integer> input) {
    DistributedModelSpec m = new DistributedModelSpec();
    m.architecture = new Architecture();
    m.architecture.type = type;
    m.inputShape = input;
    m.outputShape = List.of(10);
    return m;
  }

  static String problems(DistributedModelSpec m) {
    ModelResolver.Resolved r = new ModelResolver().resolve(m);
    assertThat(r.spec()).as("refused").isNull();
    return r.validation().message();
  }

  @Test
  void aCnnWithoutSettingsIsLeNetWithItsLayout() {
    ModelDescription d = new ModelResolver().resolve(spec(Architecture.Type.CNN, List.of(1, 28, 28))).spec();
    assertThat(d.type()).isEqualTo(ArchitectureType.CNN);
    assertThat(d.conv()).isEqualTo(ModelDescription.DEFAULT_CONV);
    assertThat(d.hidden()).containsExactly(120, 84);
    // conv 6x1x5x5+6, conv 16x6x5x5+16, dense 784->120, 120->84, 84->10
    assertThat(d.parameterCount()).isEqualTo(156 + 2416 + 94200 + 10164 + 850);
    assertThat(d.layout().tensors()).hasSize(10);
    // [H, W] is one channel
    assertThat(new ModelResolver().resolve(spec(Architecture.Type.CNN, List.of(28, 28))).spec().inputShape()).containsExactly(1, 28, 28);
  }

  @Test
  void aResNetHasItsDefaultsAndAWidthAndDepthOfItsOwn() {
    DistributedModelSpec m = spec(Architecture.Type.RESNET, List.of(3, 32, 32));
    ModelDescription d = new ModelResolver().resolve(m).spec();
    assertThat(d.depth()).isEqualTo(18);
    assertThat(d.width()).isEqualTo(16);
    m.architecture.depth = 34;
    m.architecture.width = 8;
    assertThat(new ModelResolver().resolve(m).spec().parameterCount()).isLessThan(d.parameterCount());
  }

  @Test
  void badCombinationsNameTheFieldAndTheFix() {
    assertThat(problems(spec(Architecture.Type.CNN, List.of(784)))).contains("spec.inputShape must be [channels, height, width] for a cnn");
    assertThat(problems(spec(Architecture.Type.CNN, List.of(28, 28, 3)))).contains("height, width, channels order");
    DistributedModelSpec pools = spec(Architecture.Type.CNN, List.of(1, 8, 8));
    DistributedModelSpec.Convolution c = new DistributedModelSpec.Convolution();
    c.filters = 4;
    c.pool = 4;
    pools.architecture.convolutions = List.of(c, c, c);
    // the first block pools 8 x 8 down to 2 x 2: a 3 x 3 kernel no longer fits
    assertThat(problems(pools)).contains("spec.architecture.convolutions[1].kernel must be odd and at most the 2 pixels left")
        .doesNotContain("convolutions[0]");
    DistributedModelSpec even = spec(Architecture.Type.CNN, List.of(1, 28, 28));
    DistributedModelSpec.Convolution k = new DistributedModelSpec.Convolution();
    k.filters = 4;
    k.kernel = 4;
    even.architecture.convolutions = List.of(k);
    assertThat(problems(even)).contains("spec.architecture.convolutions[0].kernel must be odd");
    DistributedModelSpec mixed = spec(Architecture.Type.CNN, List.of(1, 28, 28));
    mixed.architecture.hiddenLayers = List.of(64);
    mixed.architecture.depth = 18;
    assertThat(problems(mixed)).contains("a cnn's dense layers are spec.architecture.head")
        .contains("spec.architecture.depth is only for a resnet");
    DistributedModelSpec depth = spec(Architecture.Type.RESNET, List.of(1, 28, 28));
    depth.architecture.depth = 20;
    assertThat(problems(depth)).contains("spec.architecture.depth must be 18, 34 or 50");
    assertThat(problems(spec(Architecture.Type.RESNET, List.of(1, 4, 4)))).contains("too small for a resnet");
    assertThat(problems(spec(Architecture.Type.MOBILENETV2, List.of(1, 28, 28)))).contains("too small for a mobilenetv2");
    DistributedModelSpec mlp = spec(Architecture.Type.MLP, List.of(8));
    mlp.architecture.width = 64;
    assertThat(problems(mlp)).contains("spec.architecture.width is only for a resnet");
    DistributedModelSpec huge = spec(Architecture.Type.RESNET, List.of(3, 64, 64));
    huge.architecture.depth = 50;
    huge.architecture.width = 128;
    assertThat(problems(huge)).contains("more than the 50000000 an operator streams and aggregates");
  }
}
