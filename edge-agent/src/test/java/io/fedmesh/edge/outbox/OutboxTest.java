package io.fedmesh.edge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.proto.federation.v1.UpdateHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;

  @Test
  void pendingUpdatesSurviveARestartAndLeaveOnlyWhenRemoved() throws Exception {
    UpdateHeader h = UpdateHeader.newBuilder().setIdempotencyKey("default/ft/3/site-1").setRound(3).build();
    new Outbox(dir).put(h, new byte[] {1, 2, 3});
    Outbox reopened = new Outbox(dir);
    assertThat(reopened.pending()).hasSize(1);
    Outbox.Pending p = reopened.pending().get(0);
    assertThat(p.header()).isEqualTo(h);
    assertThat(p.data()).containsExactly(1, 2, 3);
    reopened.remove(p);
    assertThat(new Outbox(dir).pending()).isEmpty();
  }

  @Test
  void anUnreadableEntryIsQuarantined() throws Exception {
    Files.write(dir.resolve("bad.update"), new byte[] {0, 0});
    Outbox o = new Outbox(dir);
    assertThat(o.pending()).isEmpty();
    assertThat(dir.resolve("bad.update.corrupt")).exists();
  }
}
