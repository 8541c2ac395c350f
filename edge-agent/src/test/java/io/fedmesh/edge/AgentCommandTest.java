package io.fedmesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentCommandTest {
  @TempDir Path tmp;

  private String run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AgentCommand());
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertThat(code).as("exit code of a refused command line").isEqualTo(2);
    return err.toString();
  }

  @Test
  void anInvalidSiteNameIsRefusedWithTheRule() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("d"));
    assertThat(run("--coordinator", "127.0.0.1:1", "--site", "Site_0", "--data", data.toString()))
        .contains("--site 'Site_0' is not a valid name").contains("lowercase letters, digits and '-'");
  }

  @Test
  void aMissingDataPathIsNamed() {
    assertThat(run("--coordinator", "127.0.0.1:1", "--site", "site-0", "--data", tmp.resolve("nope").toString()))
        .contains("--data").contains("does not exist");
  }

  @Test
  void aSingleCsvFileIsAcceptedAsData() throws Exception {
    Path test = Files.writeString(tmp.resolve("test.csv"), "x1,label\n1,0\n");
    // refused for its coordinator, checked after --data: the file itself passed
    assertThat(run("--coordinator", "no-port", "--site", "site-0", "--data", test.toString()))
        .contains("--coordinator").doesNotContain("--data " + test);
  }

  @Test
  void aFileThatIsNoCsvOrASimulationLearnersFileIsRefused() throws Exception {
    Path notes = Files.writeString(tmp.resolve("notes.txt"), "x");
    assertThat(run("--coordinator", "127.0.0.1:1", "--site", "site-0", "--data", notes.toString()))
        .contains("--data").contains("is a file but not a .csv file");
    Path test = Files.writeString(tmp.resolve("test.csv"), "x1,label\n1,0\n");
    assertThat(run("--coordinator", "127.0.0.1:1", "--site", "site-0", "--data", test.toString(), "--simulation-learner"))
        .contains("--data").contains("keeps the samples it fetches in a directory");
  }

  @Test
  void aBadCoordinatorAddressIsNamed() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("d"));
    assertThat(run("--coordinator", "no-port", "--site", "site-0", "--data", data.toString())).contains("--coordinator");
  }

  @Test
  void anUnknownLogFormatIsNamed() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("d"));
    assertThat(run("--coordinator", "127.0.0.1:1", "--site", "site-0", "--data", data.toString(), "--log-format", "xml"))
        .contains("--log-format must be json or text (got 'xml')");
  }

  @Test
  void aServePortOutOfRangeIsNamed() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("d"));
    assertThat(run("--coordinator", "127.0.0.1:1", "--site", "site-0", "--data", data.toString(), "--serve-port", "70000"))
        .contains("--serve-port 70000 is not a port");
  }

  @Test
  void requiredOptionsAreListed() {
    assertThat(run("--site", "site-0")).contains("--coordinator").contains("--data");
  }
}
