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
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temp files left behind").isEmpty();
    }
  }

  @Test
  void anUpdateIsFoundByItsKeyAndARewriteReplacesIt() {
    Outbox o = new Outbox(dir);
    UpdateHeader a = UpdateHeader.newBuilder().setIdempotencyKey("ns/t/1/site-1").setRound(1).build();
    UpdateHeader b = UpdateHeader.newBuilder().setIdempotencyKey("ns/t/2/site-1").setRound(2).build();
    o.put(a, new byte[] {1});
    o.put(b, new byte[] {2});
    o.put(b, new byte[] {3});
    assertThat(o.pending()).hasSize(2);
    assertThat(o.find("ns/t/2/site-1")).hasValueSatisfying(p -> assertThat(p.data()).containsExactly(3));
    assertThat(o.find("ns/t/3/site-1")).isEmpty();
  }

  @Test
  void anUnreadableEntryIsQuarantined() throws Exception {
    Files.write(dir.resolve("bad.update"), new byte[] {0, 0});
    Outbox o = new Outbox(dir);
    assertThat(o.pending()).isEmpty();
    assertThat(dir.resolve("bad.update.corrupt")).exists();
  }
}
