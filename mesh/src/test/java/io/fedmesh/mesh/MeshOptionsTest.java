package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** `fedmesh local` refuses bad and conflicting options with one message naming the option, before it creates anything. */
class MeshOptionsTest {
  @TempDir Path tmp;

  /** The options as picocli parses them for `fedmesh local ARGS`, not yet validated. */
  static MeshOptions parse(String... args) {
    LocalMeshCommand command = new LocalMeshCommand();
    new CommandLine(command).parseArgs(args);
    return command.options;
  }

  static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> parse(args).validate()).isInstanceOf(ParameterException.class).hasMessage(message);
  }

  @Test
  void theDefaultsAndSensibleCombinationsPass() {
    for (String[] args : new String[][] {{}, {"--sites", "3", "--rounds", "6", "--kill-site-after-round", "2"},
        {"--problem", "plume", "--task", "regression"}, {"--problem", "plume", "--hpc", "local"}, {"--task", "REGRESSION"},
        {"--sites", "32", "--rounds", "1000"}, {"--log-format", "json"}, {"--problem", "fashion-mnist", "--alpha", "0.1"},
        {"--alpha", "5"}, {"--strategy", "BufferedAsync", "--buffer-size", "2", "--max-staleness", "0"}, {"--strategy", "FedProx"}}) {
      assertThatCode(() -> parse(args).validate()).as(String.join(" ", args)).doesNotThrowAnyException();
    }
  }

  @Test
  void strategyOptionsNameTheFlagAndTheFix() {
    assertRefused("--strategy must be one of [FedAvg, FedProx, TrimmedMean, Median, Krum, FedAdam, BufferedAsync] (got FedBuff)",
        "--strategy", "FedBuff");
    assertRefused("--buffer-size and --max-staleness apply to --strategy BufferedAsync only: add it, or drop them", "--buffer-size", "3");
    assertRefused("--buffer-size must be between 1 and 1000 (got 0)", "--strategy", "BufferedAsync", "--buffer-size", "0");
    assertRefused("--max-staleness must be between 0 and 100 (got 101)", "--strategy", "BufferedAsync", "--max-staleness", "101");
    assertRefused("--strategy BufferedAsync does not take simulation data yet: drop --hpc, or use a synchronous strategy",
        "--strategy", "BufferedAsync", "--hpc", "local");
  }

  @Test
  void compressionOptionsNameTheFlagAndTheFix() {
    assertRefused("--compression must be none, fp16, int8, topk or auto (got zstd)", "--compression", "zstd");
    assertRefused("--topk-fraction applies to --compression topk: add --compression topk, or drop --topk-fraction",
        "--topk-fraction", "0.1");
    assertRefused("--topk-fraction must be between 0.0001 and 0.5 (got 0.7)", "--compression", "topk", "--topk-fraction", "0.7");
    assertRefused("--fixed-deadline must be between 1 and 86400 seconds (got 0)", "--fixed-deadline", "0");
    assertRefused("--round-target must be auto or between 1 and 86400 seconds (got soon)", "--round-target", "soon");
    assertRefused("--round-target must be auto or between 1 and 86400 seconds (got 0)", "--round-target", "0");
    assertRefused("--fixed-deadline and --round-target both set the deadline: drop one", "--fixed-deadline", "30", "--round-target", "20");
    assertRefused("--target is an accuracy for classification: above 0 and at most 1 (got 85.0)", "--target", "85");
  }

  @Test
  void outOfRangeValuesNameTheOptionAndTheRange() {
    assertRefused("--task: unknown task 'clustering': use classification or regression", "--task", "clustering");
    assertRefused("--sites must be between 1 and 32 (got 0)", "--sites", "0");
    assertRefused("--sites must be between 1 and 32 (got 33)", "--sites", "33");
    assertRefused("--rounds must be between 1 and 1000 (got 0)", "--rounds", "0");
    assertRefused("--samples-per-site must be at least 10", "--samples-per-site", "9");
    assertRefused("--log-format must be json or text (got 'xml')", "--log-format", "xml");
    assertRefused("--hpc must be none, local or slurm (got cloud)", "--hpc", "cloud");
    assertRefused("--problem must be blobs, plume, fashion-mnist or digits (got waves)", "--problem", "waves");
    assertRefused("--problem digits splits all 1,437 training rows over the sites: drop --samples-per-site", "--problem", "digits",
        "--samples-per-site", "100");
    assertRefused("--problem digits is a classification problem: drop --task or use --task classification", "--problem", "digits",
        "--task", "regression");
    assertRefused("--alpha must be above 0 and at most 1000 (got 0.0)", "--alpha", "0");
  }

  @Test
  void aLabelColumnNeedsDataAndNamesTheColumnThatIsMissing(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    assertRefused("--label-column names a column of your --data files; the built-in data's is 'label': add --data, or drop --label-column",
        "--label-column", "y");
    Path data = tmp.resolve("d");
    Files.createDirectories(data);
    String csv = "a,y\n" + "1,0\n2,1\n".repeat(10);
    Files.writeString(data.resolve("site-0.csv"), csv);
    Files.writeString(data.resolve("site-1.csv"), csv);
    Files.writeString(data.resolve("test.csv"), csv);
    MeshData read = MeshData.fromDirectory(data, null, io.fedmesh.common.model.TaskKind.CLASSIFICATION, tmp.resolve("out"), "y");
    assertThat(read.siteDirs()).hasSize(2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MeshData.fromDirectory(data, null,
        io.fedmesh.common.model.TaskKind.CLASSIFICATION, tmp.resolve("out2"))).hasMessageContaining("no label column 'label'")
        .hasMessageContaining("--label-column of fedmesh local");
  }

  @Test
  void conflictingOptionsSayWhichToDrop() {
    assertRefused("--kill-site-after-round 6 must be below --rounds 6", "--rounds", "6", "--kill-site-after-round", "6");
    assertRefused("--kill-site-after-round needs at least 2 sites: raise --sites (or give --data more site files)", "--sites", "1", "--kill-site-after-round", "0");
    assertRefused("--problem plume generates its data: drop --data, or drop --problem", "--problem", "plume", "--data", "d");
    assertRefused("--problem plume is a regression problem: drop --task or use --task regression",
        "--problem", "plume", "--task", "classification");
    assertRefused("--problem fashion-mnist brings its data: drop --data, or drop --problem", "--problem", "fashion-mnist", "--data", "d");
    assertRefused("--problem fashion-mnist is a classification problem: drop --task or use --task classification",
        "--problem", "fashion-mnist", "--task", "regression");
    assertRefused("--problem fashion-mnist splits all 60,000 training images over the sites: drop --samples-per-site",
        "--problem", "fashion-mnist", "--samples-per-site", "100");
    assertRefused("--alpha sets the label split of blobs and fashion-mnist; plume has no classes: drop --alpha",
        "--problem", "plume", "--alpha", "1");
    assertRefused("--alpha sets the label split of blobs and fashion-mnist; --data is split already: drop --alpha",
        "--data", "d", "--alpha", "1");
  }

  @Test
  void fashionMnistDefaultsToEightSites() {
    assertThat(parse("--problem", "fashion-mnist").defaultSites()).isEqualTo(8);
    assertThat(parse().defaultSites()).isEqualTo(4);
    assertThat(parse("--problem", "fashion-mnist").alpha).isEqualTo(0.5);
  }

  @Test
  void theHelpDocumentsFashionMnistAndAlpha() {
    StringWriter out = new StringWriter();
    CommandLine cli = FedmeshCli.commandLine();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("local", "--help")).isZero();
    assertThat(out.toString()).contains("fashion-mnist (Fashion-MNIST from Debian's").contains("--alpha=")
        .contains("Dirichlet concentration").contains("site-<i>/ folder");
  }

  @Test
  void slurmWithoutAConfiguredSlurmStartsAPrivateOneOrSaysWhatIsMissing() {
    // the tests run in mesh/, where the repository's scripts are not at hpc-bridge/scripts: the one thing missing here
    PrivateSlurm.Machine here = PrivateSlurm.Machine.current();
    assertThat(PrivateSlurm.problem(null, here)).contains("--hpc slurm").contains("slurm-up.sh").contains("run ./fedmesh from the repository");
    assertThat(PrivateSlurm.problem("/etc/slurm/slurm.conf", here)).as("a configured Slurm needs nothing started").isNull();
  }

  @Test
  void aMachineWithoutSlurmGetsItInstalledWhenItCanAndIsToldHowWhenItCannot() {
    var fresh = new PrivateSlurm.Machine(true, "/usr/sbin/slurmctld", true, true);
    assertThat(PrivateSlurm.problem(null, fresh)).as("root with apt-get: installed at start, no refusal").isNull();
    assertThat(fresh.installs()).isTrue();
    assertThat(new PrivateSlurm.Machine(true, null, true, true).installs()).as("installed already").isFalse();
    assertThat(PrivateSlurm.problem(null, new PrivateSlurm.Machine(true, "/usr/sbin/slurmctld", true, false)))
        .contains("/usr/sbin/slurmctld is missing").contains("no apt-get").contains("--hpc local");
    assertThat(PrivateSlurm.problem(null, new PrivateSlurm.Machine(true, "/usr/sbin/slurmctld", false, true)))
        .contains("needs root").contains("sudo bash hpc-bridge/scripts/slurm-up.sh");
  }

  @Test
  void refusedOptionsExitWith2AndCreateNothing() {
    Path out = tmp.resolve("out");
    for (String[] args : new String[][] {{"--rounds", "0"}, {"--task", "clustering"}, {"--problem", "plume", "--data", tmp.toString()},
        {"--problem", "waves"}, {"--sites", "1", "--kill-site-after-round", "0"}}) {
      StringWriter err = new StringWriter();
      CommandLine cli = FedmeshCli.commandLine();
      cli.setErr(new PrintWriter(err));
      String[] full = new String[args.length + 3];
      full[0] = "local";
      System.arraycopy(args, 0, full, 1, args.length);
      full[args.length + 1] = "--out";
      full[args.length + 2] = out.toString();
      assertThat(cli.execute(full)).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).as(String.join(" ", args)).contains(args[0]).contains("Try 'fedmesh local --help' for its options.").doesNotContain("Usage:");
      assertThat(out).as("nothing created for " + String.join(" ", args)).doesNotExist();
    }
  }

  @Test
  void badDataGetsOneClearLineNamingTheProblem() throws Exception {
    Path data = tmp.resolve("no-test");
    Files.createDirectories(data);
    Files.writeString(data.resolve("site-0.csv"), "a,label\n1,0\n");
    StringWriter err = new StringWriter();
    CommandLine cli = FedmeshCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("local", "--data", data.toString(), "--out", tmp.resolve("o").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("has no test.csv");
  }

  @Test
  void aGapInTheUsersSiteNumberingExitsWith2NamingTheMissingSiteAndStartsNothing() throws Exception {
    Path data = tmp.resolve("gap");
    Files.createDirectories(data);
    String csv = "a,label\n" + "1,0\n2,1\n".repeat(10);
    Files.writeString(data.resolve("site-0.csv"), csv);
    Files.writeString(data.resolve("site-2.csv"), csv);
    Files.writeString(data.resolve("test.csv"), csv);
    StringWriter err = new StringWriter();
    CommandLine cli = FedmeshCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("local", "--data", data.toString(), "--out", tmp.resolve("o").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no site-1.csv or site-1/");
    assertThat(tmp.resolve("o/agents")).as("no agent started").doesNotExist();
    assertThat(tmp.resolve("o/data")).as("nothing copied").doesNotExist();
  }

  @Test
  void killingTheOnlySiteOfTheUsersDataIsRefusedOnceTheSiteFilesAreCounted() throws Exception {
    Path data = tmp.resolve("one-site");
    Files.createDirectories(data);
    String csv = "a,label\n" + "1,0\n2,1\n".repeat(10);
    Files.writeString(data.resolve("site-0.csv"), csv);
    Files.writeString(data.resolve("test.csv"), csv);
    StringWriter err = new StringWriter();
    CommandLine cli = FedmeshCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("local", "--data", data.toString(), "--rounds", "3", "--kill-site-after-round", "1",
        "--out", tmp.resolve("o").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--kill-site-after-round needs at least 2 sites");
    assertThat(tmp.resolve("o/agents")).as("no agent started").doesNotExist();
  }
}
