package io.fedmesh.mesh;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.Phase;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.mesh.report.RunRecord;
import io.fedmesh.mesh.wan.ScenarioPlayer;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Follows a training to its end: one console line per finished round, a spinner line in between,
 * and the fault of --kill-site-after-round once that round is done. Every round goes into a
 * {@link RunRecord} as it happens (the status keeps only the last 50).
 */
final class RunWatcher {
  static final String HEADER = String.format("  %5s  %-5s  %10s  %10s  %12s  %8s", "round", "sites", "loss", "metric", "bytes", "seconds");

  private final LocalMesh mesh;
  private final MeshPlan plan;
  private final PrintStream console;
  private final Instant deadline;
  private final int timeoutSeconds;
  private final ScenarioPlayer scenario;

  /** @param deadline when to give up, {@code timeoutSeconds} (--timeout) after the run started */
  RunWatcher(LocalMesh mesh, MeshPlan plan, PrintStream console, Instant deadline, int timeoutSeconds) {
    this(mesh, plan, console, deadline, timeoutSeconds, null);
  }

  /** @param scenario the WAN timeline to tell of finished rounds and whose changes to print; null: none */
  RunWatcher(LocalMesh mesh, MeshPlan plan, PrintStream console, Instant deadline, int timeoutSeconds, ScenarioPlayer scenario) {
    this.scenario = scenario;
    this.mesh = mesh;
    this.plan = plan;
    this.console = console;
    this.deadline = deadline;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** What {@link #follow} saw: the training as last seen and every round it recorded. */
  record Followed(FederatedTraining training, RunRecord record) {}

  /** Returns the training as last seen (Succeeded, Failed, or whatever it was at the deadline) and its record. */
  Followed follow(String name) throws InterruptedException {
    try (RunRecord record = RunRecord.watching(mesh.client(), MeshPlan.NAMESPACE, name)) {
      return new Followed(follow(name, record), record);
    }
  }

  private FederatedTraining follow(String name, RunRecord record) throws InterruptedException {
    int printed = 0;
    boolean killed = false;
    Spinner spinner = new Spinner(console);
    console.println(HEADER);
    while (true) {
      FederatedTraining ft = mesh.client().resources(FederatedTraining.class).inNamespace(MeshPlan.NAMESPACE).withName(name).get();
      FederatedTrainingStatus st = ft.getStatus();
      record.observe(st);
      for (RoundRecord r : record.rounds()) {
        if (r.round > printed) {
          spinner.clear();
          console.println(roundLine(r));
          printed = r.round;
        }
      }
      if (scenario != null) {
        scenario.roundsDone(printed);
        for (ScenarioPlayer.Applied a : scenario.drainNew()) {
          spinner.clear();
          console.printf("  -- %6.1f s, round %d: %s%n", a.atSeconds(), a.round(), a.what());
        }
      }
      if (!killed && plan.killAfterRound() >= 0 && printed >= plan.killAfterRound()) {
        String victim = mesh.killLastSite();
        killed = true;
        spinner.clear();
        console.printf("  -- killed the agent of %s after round %d (the mesh carries on)%n", victim, printed);
      }
      if (st != null && (st.phase == Phase.Succeeded || st.phase == Phase.Failed)) {
        spinner.clear();
        return ft;
      }
      if (Instant.now().isAfter(deadline)) {
        spinner.clear();
        console.printf("timed out after %d s (--timeout)%n", timeoutSeconds);
        return ft;
      }
      spinner.show(state(st, printed));
      // polling the embedded API server: cheap, and a round takes seconds
      Thread.sleep(300);
    }
  }

  static String roundLine(RoundRecord r) {
    return String.format("  %5d  %-5d  %10.4f  %10.4f  %12s  %8.2f%s", r.round, r.participants.size(), r.loss, r.metric,
        String.format("%,d", r.bytes), r.seconds, r.missed == null || r.missed.isEmpty() ? "" : "   missed: " + String.join(",", r.missed));
  }

  private String state(FederatedTrainingStatus st, int printed) {
    if (st == null || st.phase == null) {
      return "waiting for the operator";
    }
    if (st.phase == Phase.Pending) {
      var c = st.condition("Ready");
      return "Pending: " + (c == null ? "" : c.getReason() + " " + c.getMessage());
    }
    return "round " + (printed + 1) + "/" + plan.rounds() + " in progress with " + st.currentParticipants.size() + " site(s)";
  }
}
