package io.fedmesh.operator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.models.TorchScripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptBytesTest {
  @TempDir Path tmp;

  @Test
  void aFileIsReadOnceForEveryDownloadAndServedOnlyWithTheDigestItWasValidatedWith() throws IOException {
    Path file = Files.write(tmp.resolve("net.pt"), new byte[] {1, 2, 3, 4});
    ModelDescription.ScriptRef ref = TorchScripts.register(file);
    ScriptBytes scripts = new ScriptBytes();
    byte[] first = scripts.of(ref).orElseThrow();
    assertThat(first).containsExactly(1, 2, 3, 4);
    assertThat(scripts.of(ref).orElseThrow()).as("the same bytes, not read again").isSameAs(first);

    Files.write(file, new byte[] {9, 9});
    assertThatThrownBy(() -> new ScriptBytes().of(ref)).isInstanceOf(IOException.class)
        .hasMessageContaining("changed since it was validated").hasMessageContaining(ref.sha256());
    assertThat(new ScriptBytes().of(new ModelDescription.ScriptRef("00".repeat(32), 2))).as("no file of that digest").isEmpty();
  }
}
