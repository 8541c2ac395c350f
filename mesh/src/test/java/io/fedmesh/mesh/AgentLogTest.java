package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AgentLogTest {
  @Test
  void libtorchsDeprecationLineIsDroppedAndEveryOtherLineKept() {
    String native_ = "[W1202 03:59:52.358362765 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is deprecated and will be"
        + " removed in 1.10 release. (function operator())";
    String text = "04:00:01.000 INFO  [EdgeAgent] registered\n" + native_ + "\n04:00:02.000 WARN  [RoundTrainer] a real warning\n";
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    AgentLog.copy(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), log);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .isEqualTo("04:00:01.000 INFO  [EdgeAgent] registered\n04:00:02.000 WARN  [RoundTrainer] a real warning\n");
  }
}
