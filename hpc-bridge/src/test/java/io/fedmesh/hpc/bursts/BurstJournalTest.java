package io.fedmesh.hpc.bursts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BurstJournalTest {
  @TempDir Path dir;

  @Test
  void aReopenedJournalHasEachTasksLastState() {
    BurstJournal j = BurstJournal.open(dir);
    j.submitting(List.of("a", "b", "c"), true);
    j.submitted("a", "17");
    j.submitted("b", "17");
    j.finished("a", 0, null);
    j.finished("b", -1, "pilot allocation ended");
    j.close();
    j.finished("c", 0, null); // after close: left for the next bridge process as it was
    BurstJournal again = BurstJournal.open(dir);
    assertThat(again.get("a")).contains(new BurstJournal.Entry(false, "17", 0, null));
    assertThat(again.get("b")).contains(new BurstJournal.Entry(false, "17", -1, "pilot allocation ended"));
    assertThat(again.get("c")).contains(new BurstJournal.Entry(true, null, null, null));
    assertThat(again.get("d")).isEmpty();
  }

  @Test
  void aTornLastLineIsIgnoredButADamagedJournalIsRefused() throws Exception {
    BurstJournal j = BurstJournal.open(dir);
    j.submitting(List.of("a"), false);
    j.close();
    Files.writeString(dir.resolve("tasks.log"), "{\"task\":\"a\",\"submitt", StandardOpenOption.APPEND);
    assertThat(BurstJournal.open(dir).get("a")).contains(new BurstJournal.Entry(true, null, null, null));
    Files.writeString(dir.resolve("tasks.log"), "\n{\"task\":\"b\",\"submitting\":true}\n", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> BurstJournal.open(dir)).hasMessageContaining("line 2 is not a journal entry");
  }

  @Test
  void theWholeMapJournalOfAnEarlierVersionIsRead() throws Exception {
    Files.writeString(dir.resolve("tasks.json"), "{\"a\":{\"submitting\":false,\"jobId\":\"5\",\"exitCode\":0}}");
    BurstJournal j = BurstJournal.open(dir);
    assertThat(j.get("a")).contains(new BurstJournal.Entry(false, "5", 0, null));
    j.finished("a", 2, null);
    assertThat(BurstJournal.open(dir).get("a")).contains(new BurstJournal.Entry(false, "5", 2, null));
  }
}
