package io.fedmesh.mesh.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.hpc.v1.SimulationParams;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import io.grpc.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The attacks of the trust issue, each with what a refusal looks like. Outsiders try the links
 * (plaintext, a forged or expired certificate, a man in the middle); a site tries to be another;
 * {@link AttackBenchmark#MALLORY}, a site in the cohort with a valid certificate and session, sends
 * every kind of bad update; and the bridge is asked to run what it must not.
 */
public final class AttackCatalog {
  public record Outcome(String name, boolean rejected, String how) {}

  private record Attack(String name, java.util.function.Supplier<Attacker.Answer> run, Predicate<Attacker.Answer> refusedAs) {}

  private final Attacker attacker;
  private final AttackPki pki;
  private final SimulatedSites sites;
  private final KubernetesClient kube;

  AttackCatalog(Attacker attacker, AttackPki pki, SimulatedSites sites, KubernetesClient kube) {
    this.attacker = attacker;
    this.pki = pki;
    this.sites = sites;
    this.kube = kube;
  }

  List<Outcome> runAll() throws IOException {
    List<Outcome> outcomes = new ArrayList<>();
    for (Attack a : attacks()) {
      Attacker.Answer answer = a.run().get();
      outcomes.add(new Outcome(a.name(), a.refusedAs().test(answer), answer.toString()));
    }
    return outcomes;
  }

  /**
   * The huge-norm update is acknowledged (admission judges one update alone) and refused when its
   * round closes, by the norm bound: its outcome is read from the round's record.
   */
  List<Outcome> afterTraining(List<Outcome> outcomes, FederatedTrainingStatus status) {
    String site = "m-huge-norm";
    String reason = status.history.stream().filter(h -> h.refused != null).flatMap(h -> h.refused.stream())
        .filter(r -> site.equals(r.site)).map(r -> r.reason).findFirst().orElse(null);
    List<Outcome> all = new ArrayList<>();
    for (Outcome o : outcomes) {
      all.add(!o.name().equals("huge-norm") ? o : new Outcome(o.name(), reason != null,
          o.how() + (reason != null ? "; at the round's close: " + reason : "; and it was aggregated")));
    }
    return all;
  }

  /** The header an attacker would send for its own open assignment: all fields honest. */
  private UpdateHeader honestHeaderOf(String site, byte[] f32) {
    TrainAssignment a = sites.heldAssignment(site);
    return UpdateHeader.newBuilder().setIdempotencyKey(a.getTraining() + "/" + a.getRound() + "/" + site)
        .setTraining(a.getTraining()).setRound(a.getRound()).setSiteName(site).setSessionId(sites.session(site))
        .setBaseModelVersion(a.getModelVersion()).setSamples(50).setTrainLoss(0.5).setLocalMetric(0.5)
        .setEncoding(UpdateEncoding.F32.toProto()).setNumParameters(a.getModel().getNumParameters()).setTotalBytes(f32.length).build();
  }

  private Attacker.Answer spoil(String attack, java.util.function.Function<UpdateHeader, UpdateHeader> header, List<byte[]> chunks,
      byte[] f32) {
    String site = "m-" + attack;
    return attacker.upload(pki.siteQuietly(site), header.apply(honestHeaderOf(site, f32)), chunks);
  }

  private List<Attack> attacks() throws IOException {
    TrainAssignment mine = sites.heldAssignment(AttackBenchmark.MALLORY);
    TlsFiles mallory = pki.site(AttackBenchmark.MALLORY);
    TlsFiles eve = pki.site("eve");
    TlsFiles operator = pki.operator();
    String victim = AttackBenchmark.HONEST.get(0);
    int n = (int) mine.getModel().getNumParameters();
    float[] honest = new float[n];
    Arrays.fill(honest, 0.01f);
    byte[] f32 = UpdateCodec.encode(honest, UpdateEncoding.F32);
    UpdateHeader good = UpdateHeader.newBuilder().setIdempotencyKey(mine.getTraining() + "/" + mine.getRound() + "/" + AttackBenchmark.MALLORY)
        .setTraining(mine.getTraining()).setRound(mine.getRound()).setSiteName(AttackBenchmark.MALLORY)
        .setSessionId(sites.session(AttackBenchmark.MALLORY)).setBaseModelVersion(mine.getModelVersion()).setSamples(50)
        .setTrainLoss(0.5).setLocalMetric(0.5).setEncoding(UpdateEncoding.F32.toProto()).setNumParameters(n).setTotalBytes(f32.length).build();
    UpdateHeader asVictim = good.toBuilder().setIdempotencyKey(mine.getTraining() + "/" + mine.getRound() + "/" + victim)
        .setSiteName(victim).setSessionId(sites.session(victim)).build();
    float[] nan = honest.clone();
    nan[n / 2] = Float.NaN;
    float[] scaled = honest.clone();
    Arrays.fill(scaled, 1e4f); // finite, the right shape: only its norm gives it away
    byte[] q8 = UpdateCodec.encode(honest, UpdateEncoding.Q8);
    Arrays.fill(q8, 4, 8, (byte) 0xFF); // the first block's scale: all ones is a NaN in either byte order
    SubmitBurstRequest burst = burst(UUID.randomUUID().toString(), "");
    Predicate<Attacker.Answer> noHandshake = code(Status.Code.UNAVAILABLE);
    Predicate<Attacker.Answer> denied = code(Status.Code.PERMISSION_DENIED);
    Predicate<Attacker.Answer> invalid = code(Status.Code.INVALID_ARGUMENT);
    return List.of(
        new Attack("plaintext-coordinator", () -> attacker.register(null, register(victim)), noHandshake),
        new Attack("unknown-ca", () -> attacker.register(pki.forgedQuietly(victim), register(victim)), noHandshake),
        new Attack("expired-certificate", () -> attacker.register(pki.expiredQuietly(victim), register(victim)), noHandshake),
        new Attack("wrong-san-server", () -> manInTheMiddle(pki.siteQuietly(victim)), noHandshake),
        new Attack("register-as-another-site", () -> attacker.register(mallory, register(victim)), denied),
        new Attack("operator-certificate-as-site", () -> attacker.register(operator, register("operator-site")), denied),
        new Attack("foreign-namespace", () -> attacker.register(pki.foreignQuietly("kube-system", "mallory"),
            register("mallory").toBuilder().setNamespace("kube-system").build()), denied),
        new Attack("heartbeat-hijack", () -> attacker.heartbeat(mallory, HeartbeatRequest.newBuilder().setSiteName(victim)
            .setSessionId(sites.session(victim)).setSeq(1).build()), denied),
        new Attack("upload-as-another-site", () -> attacker.upload(mallory, asVictim, List.of(f32)), denied),
        new Attack("model-theft", () -> attacker.download(eve, DownloadModelRequest.newBuilder().setTraining(mine.getTraining())
            .setModelVersion(mine.getModelVersion()).setSiteName("eve").build()), denied),
        new Attack("stale-session", () -> attacker.upload(mallory, good.toBuilder().setSessionId("a-session-of-yesterday").build(),
            List.of(f32)), code(Status.Code.FAILED_PRECONDITION)),
        new Attack("replay", () -> attacker.upload(pki.siteQuietly(victim), asVictim.toBuilder().setIdempotencyKey(
            mine.getTraining() + "/1/" + victim).setRound(1).build(), List.of(f32)), a -> a.duplicate() || a.refused()),
        new Attack("registration-flood", this::flood, code(Status.Code.RESOURCE_EXHAUSTED)),
        new Attack("wrong-shape", () -> spoil("wrong-shape", h -> h.toBuilder().setNumParameters(n + 7).setTotalBytes(4L * (n + 7)).build(),
            List.of(UpdateCodec.encode(Arrays.copyOf(honest, n + 7), UpdateEncoding.F32)), f32), invalid),
        new Attack("nan-weight", () -> spoil("nan-weight", h -> h, List.of(UpdateCodec.encode(nan, UpdateEncoding.F32)), f32), invalid),
        new Attack("int8-nan-scale", () -> spoil("int8-nan-scale", h -> h.toBuilder().setEncoding(UpdateEncoding.Q8.toProto())
            .setTotalBytes(q8.length).build(), List.of(q8), f32), invalid),
        new Attack("huge-sample-count", () -> spoil("huge-sample-count", h -> h.toBuilder().setSamples(1_000_000_000_000_000L).build(),
            List.of(f32), f32), invalid),
        new Attack("samples-above-dataset", () -> spoil("samples-above-dataset", h -> h.toBuilder().setSamples(100_000).build(),
            List.of(f32), f32), invalid),
        new Attack("nan-loss", () -> spoil("nan-loss", h -> h.toBuilder().setTrainLoss(Double.NaN).build(), List.of(f32), f32), invalid),
        new Attack("oversized-total-bytes", () -> spoil("oversized-total-bytes", h -> h.toBuilder().setTotalBytes(1L << 40).build(),
            List.of(f32), f32), invalid),
        new Attack("lying-total-bytes", () -> spoil("lying-total-bytes", h -> h, List.of(f32, f32), f32), invalid),
        new Attack("huge-norm", () -> spoil("huge-norm", h -> h, List.of(UpdateCodec.encode(scaled, UpdateEncoding.F32)), f32),
            a -> true), // judged after the training, from the round's record
        new Attack("plaintext-bridge", () -> attacker.submit(null, burst), noHandshake),
        new Attack("site-certificate-on-bridge", () -> attacker.submit(mallory, burst), denied),
        new Attack("path-traversal-uid", () -> attacker.submit(operator, burst("../../etc", "")), invalid),
        new Attack("shell-command", () -> attacker.submit(operator, burst(UUID.randomUUID().toString(), "id > /tmp/fedmesh-pwned")),
            Attacker.Answer::refused),
        new Attack("unlisted-application", () -> attacker.submit(operator, burst(UUID.randomUUID().toString(), "").toBuilder()
            .setTasks(0, burst("x", "").getTasks(0).toBuilder().setApplication("bash")).build()), code(Status.Code.FAILED_PRECONDITION)),
        new Attack("changed-spec-under-uid", () -> changedSpec(operator), code(Status.Code.ALREADY_EXISTS)));
  }

  private static RegisterRequest register(String site) {
    return RegisterRequest.newBuilder().setSiteName(site).setAgentVersion("attacker").build();
  }

  /** Eve registers again and again: the coordinator must cut her off, and keep one EdgeSite. */
  private Attacker.Answer flood() {
    TlsFiles eve = pki.siteQuietly("eve");
    Attacker.Answer last = null;
    for (int i = 0; i < 30; i++) {
      last = attacker.register(eve, register("eve"));
      if (last.status().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        break;
      }
    }
    long eves = kube.resources(EdgeSite.class).inAnyNamespace().list().getItems().stream()
        .filter(e -> e.getMetadata().getName().startsWith("eve")).count();
    return eves <= 1 ? last : new Attacker.Answer(Status.OK.withDescription(eves + " EdgeSites"), false);
  }

  /** A server with our CA's certificate for another host: a site dialling 127.0.0.1 must not talk to it. */
  private Attacker.Answer manInTheMiddle(TlsFiles site) {
    try (GrpcServerRunner rogue = GrpcServerRunner.start("rogue", new HostPort("127.0.0.1", 0), pki.serverForAnotherHostQuietly(),
        List.of(new CoordinatorGrpc.CoordinatorImplBase() {}))) {
      return Attacker.call(MutualTls.channel("127.0.0.1:" + rogue.port(), site).build(), ch -> {
        CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS).register(register("site-0"));
        return new Attacker.Answer(Status.OK, false);
      });
    }
  }

  private Attacker.Answer changedSpec(TlsFiles operator) {
    String uid = UUID.randomUUID().toString();
    Attacker.Answer first = attacker.submit(operator, burst(uid, ""));
    if (first.refused()) {
      return new Attacker.Answer(Status.INTERNAL.withDescription("the first submit was refused: " + first), false);
    }
    SubmitBurstRequest changed = burst(uid, "").toBuilder().setTasks(0, burst(uid, "").getTasks(0).toBuilder().setRanks(2)).build();
    return attacker.submit(operator, changed);
  }

  /** One task of the built-in simulation, or with a command line (which bridges refuse: they run only allowlisted applications). */
  private static SubmitBurstRequest burst(String uid, String command) {
    TaskSpec.Builder task = TaskSpec.newBuilder().setName("sim-0").setKind("simulate").setRanks(1).setCpusPerRank(1)
        .setWalltimeSeconds(60).setParams(SimulationParams.newBuilder().putValues("source_x", 0.3));
    if (!command.isEmpty()) {
      task.setCommand(command);
    }
    return SubmitBurstRequest.newBuilder().setBurstUid(uid).setBurstName("default/attack").addTasks(task).build();
  }

  private static Predicate<Attacker.Answer> code(Status.Code expected) {
    return a -> a.status().getCode() == expected;
  }
}
