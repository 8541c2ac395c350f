package io.fedmesh.hpc.pilot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PilotProtocolTest {
  @Test
  void aTaskLineCarriesEveryArgvWordLiterally() {
    List<String> argv = List.of("/bin/echo", "a b", "tab\there", "new\rline", "quote'\"", "100%", "");
    PilotProtocol.Task t = new PilotProtocol.Task("sim-0001", argv, Path.of("/w/logs/sim-0001.log"), Path.of("/w/out/sim-0001.csv"), 60);
    String line = PilotProtocol.task(t);
    assertThat(line).endsWith("\n").doesNotContain("\n".repeat(2));
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
    PilotProtocol.Order o = PilotProtocol.order(line.substring(0, line.length() - 1));
    assertThat(o).isEqualTo(new PilotProtocol.RunTask(t));
  }

  @Test
  void eventsRoundTrip() {
    for (String line : List.of(PilotProtocol.event(PilotProtocol.EventKind.EXITED, "t1", "3"),
        PilotProtocol.event(PilotProtocol.EventKind.STARTED, "t1", "4242"),
        PilotProtocol.event(PilotProtocol.EventKind.ERROR, "t1", "no such file\tor dir"))) {
      PilotProtocol.Event e = PilotProtocol.parseEvent(line.strip());
      assertThat(e.task()).isEqualTo("t1");
    }
    assertThat(PilotProtocol.parseEvent(PilotProtocol.event(PilotProtocol.EventKind.EXITED, "t1", "3").strip()).number()).isEqualTo(3);
    assertThat(PilotProtocol.parseEvent(PilotProtocol.event(PilotProtocol.EventKind.READY, null, "77").strip()).value()).isEqualTo("77");
  }

  @Test
  void hostileLinesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> PilotProtocol.order("rm\t-rf")).hasMessageContaining("unknown order 'rm'");
    assertThatThrownBy(() -> PilotProtocol.order("task\t..%2Fx\t0\t%2Flog\t\ttrue")).hasMessageContaining("is not a task name");
    assertThatThrownBy(() -> PilotProtocol.order("task\tt\tlots\t%2Flog\t\ttrue")).hasMessageContaining("walltime 'lots'");
    assertThatThrownBy(() -> PilotProtocol.order("task\tt\t-1\t%2Flog\t\ttrue")).hasMessageContaining("walltime must be 0 to");
    assertThatThrownBy(() -> PilotProtocol.order("task\tt\t0\trelative.log\t\ttrue")).hasMessageContaining("absolute paths");
    assertThatThrownBy(() -> PilotProtocol.order("task\tt\t0\t%2Flog\t")).hasMessageContaining("at least one argv word");
    assertThatThrownBy(() -> PilotProtocol.order("task\tt\t0\t%2Flog\t\tnul%00")).hasMessageContaining("NUL or newline");
    assertThatThrownBy(() -> PilotProtocol.order("task\tt\t0\t%2Flog\t\t%zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PilotProtocol.order("x".repeat(PilotProtocol.MAX_LINE))).hasMessageContaining("longer than");
    assertThatThrownBy(() -> PilotProtocol.parseEvent("exited\tt1\t9999999999")).hasMessageContaining("is not a whole number");
    assertThatThrownBy(() -> PilotProtocol.parseEvent("exited\tt1")).hasMessageContaining("needs a task and one value");
    assertThatThrownBy(() -> PilotProtocol.parseEvent("started\t-x\t1")).hasMessageContaining("is not a task name");
  }
}
