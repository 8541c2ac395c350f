package io.fedmesh.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders the charts with the real Helm engine and checks the objects they produce. */
class ChartRenderTest {
  static final Path OPERATOR = Path.of("fedmesh-operator");
  static final Path AGENT = Path.of("fedmesh-edge-agent");
  static final Path BRIDGE = Path.of("fedmesh-hpc-bridge");
  static final List<String> KINDS = List.of("edgesites", "distributedmodels", "federatedtrainings", "hpcclusters", "simulationbursts");

  static List<HasMetadata> render(Path chart, UnaryOperator<com.marcnuri.helm.TemplateCommand> values) {
    return parse(values.apply(new Helm(chart).template().withName("fm").withNamespace("fedmesh").withKubeVersion("1.30.0")).call());
  }

  /** The objects of a multi-document manifest. */
  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        Object o = Serialization.unmarshal(doc);
        if (o instanceof KubernetesList list) {
          out.addAll(list.getItems());
        } else if (o instanceof HasMetadata h) {
          out.add(h);
        }
      }
    }
    return out;
  }

  static <T> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static UnaryOperator<com.marcnuri.helm.TemplateCommand> agentValues() {
    return t -> t.set("site", "factory-berlin").set("coordinator", "fm-fedmesh-operator.fedmesh.svc:7070").set("data.type", "emptyDir")
        .set("tls.secretName", "site-tls");
  }

  /** mTLS is the default and needs a certificate: the smallest values a user must give. */
  static UnaryOperator<com.marcnuri.helm.TemplateCommand> operatorValues() {
    return t -> t.set("tls.secretName", "operator-tls");
  }

  static UnaryOperator<com.marcnuri.helm.TemplateCommand> bridgeValues() {
    return t -> t.set("tls.secretName", "bridge-tls");
  }

  @Test
  void chartsPassStrictLint(@TempDir Path tmp) throws IOException {
    // no chart has a default certificate (tls.secretName) and the edge agent none for site and
    // coordinator: lint copies whose values.yaml sets them, as a user's values file would
    Path agent = withValues(AGENT, tmp, Map.of("site: \"\"", "site: factory-berlin",
        "coordinator: \"\"", "coordinator: fm-fedmesh-operator.fedmesh.svc:7070"));
    for (Path chart : List.of(withValues(OPERATOR, tmp, Map.of()), withValues(BRIDGE, tmp, Map.of()), agent)) {
      LintResult r = new Helm(chart).lint().strict().call();
      assertThat(r.isFailed()).as(chart + ": " + String.join("\n", r.getMessages())).isFalse();
    }
  }

  /** A copy of the chart with a certificate Secret and the given replacements in its values.yaml. */
  static Path withValues(Path chart, Path tmp, Map<String, String> replacements) throws IOException {
    Path copy = copy(chart, tmp.resolve(chart.getFileName().toString()));
    Path values = copy.resolve("values.yaml");
    String text = Files.readString(values).replace("  secretName: \"\"", "  secretName: mesh-tls");
    for (var e : replacements.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    Files.writeString(values, text);
    return copy;
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  @Test
  void valuesSchemasAreStrictAtEveryLevel() throws IOException {
    for (Path chart : List.of(OPERATOR, AGENT, BRIDGE)) {
      List<String> open = new ArrayList<>();
      strictness(new ObjectMapper().readTree(chart.resolve("values.schema.json").toFile()), "", open);
      assertThat(open).as("%s: objects with properties but without additionalProperties: false", chart).isEmpty();
    }
  }

  private static void strictness(JsonNode schema, String path, List<String> open) {
    JsonNode props = schema.get("properties");
    if (props != null) {
      if (!schema.path("additionalProperties").isBoolean() || schema.get("additionalProperties").asBoolean()) {
        open.add(path.isEmpty() ? "(root)" : path);
      }
      props.fields().forEachRemaining(e -> strictness(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), open));
    }
  }

  @Test
  void bridgeRendersForBothBackendsAndExplainsWhatSlurmNeeds() {
    List<HasMetadata> local = render(BRIDGE, t -> bridgeValues().apply(t).set("backend", "local"));
    Deployment d = ofType(local, Deployment.class).get(0);
    assertRestricted(d);
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--backend=local", "--listen=0.0.0.0:7443");
    List<HasMetadata> slurm = render(BRIDGE, t -> bridgeValues().apply(t).set("backend", "slurm").set("slurm.confConfigMap", "slurm-conf")
        .set("slurm.mungeKeySecret", "munge"));
    var c = ofType(slurm, Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("SLURM_CONF"));
    assertThat(c.getArgs()).contains("--backend=slurm");
    assertThatThrownBy(() -> render(BRIDGE, t -> bridgeValues().apply(t).set("backend", "slurm"))).hasMessageContaining("slurm.confConfigMap");
    assertThatThrownBy(() -> render(BRIDGE, t -> bridgeValues().apply(t).set("backend", "pbs"))).hasMessageContaining("backend");
  }

  @Test
  void operatorDefaultsAreLeastPrivilegeAndRestricted() {
    List<HasMetadata> objs = render(OPERATOR, operatorValues());
    List<PolicyRule> rules = ofType(objs, ClusterRole.class).get(0).getRules();
    for (PolicyRule r : rules) {
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getApiGroups()).doesNotContain("*");
    }
    List<String> resources = rules.stream().flatMap(r -> r.getResources().stream()).map(String::valueOf).toList();
    for (String kind : KINDS) {
      assertThat(resources).contains(kind, kind + "/status", kind + "/finalizers");
    }
    assertThat(resources).contains("leases", "events");
    // the leader labels its own pod: get and patch, nothing more
    assertThat(rules).filteredOn(r -> r.getResources().contains("pods")).singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "patch"));

    Deployment d = ofType(objs, Deployment.class).get(0);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertRestricted(d);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).contains("--listen=0.0.0.0:7070", "--checkpoint-dir=/var/lib/fedmesh");
    Service svc = ofType(objs, Service.class).get(0);
    int grpcPort = c.getPorts().stream().filter(p -> "grpc".equals(p.getName())).findFirst().orElseThrow().getContainerPort();
    assertThat(svc.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(grpcPort));
    assertThat(objs).extracting(HasMetadata::getKind).contains("PersistentVolumeClaim", "NetworkPolicy", "ServiceAccount")
        .doesNotContain("ServiceMonitor");
    int metricsPort = c.getPorts().stream().filter(p -> "metrics".equals(p.getName())).findFirst().orElseThrow().getContainerPort();
    assertThat(svc.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(metricsPort));
    assertThat(c.getArgs()).contains("--metrics-port=" + metricsPort);
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    // every replica is Ready; the Service selects the pod the leader labels
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(svc.getSpec().getSelector()).containsEntry("fedmesh.io/leader", "true")
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
        .contains("POD_NAME=metadata.name", "POD_NAMESPACE=metadata.namespace");

    // the binding gives the rules to the ServiceAccount the pods run as
    String sa = ofType(objs, ServiceAccount.class).get(0).getMetadata().getName();
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(sa);
    ClusterRoleBinding binding = ofType(objs, ClusterRoleBinding.class).get(0);
    assertThat(binding.getRoleRef().getName()).isEqualTo(ofType(objs, ClusterRole.class).get(0).getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(sa);
      assertThat(s.getNamespace()).isEqualTo("fedmesh");
    });

    // an ordinary rolling update: a standby comes up Ready before an old pod goes
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    // two replicas on a ReadWriteOnce checkpoint volume must share its node
    var affinity = d.getSpec().getTemplate().getSpec().getAffinity().getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(affinity).singleElement().satisfies(t -> {
      assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    });

    NetworkPolicy np = ofType(objs, NetworkPolicy.class).get(0);
    assertThat(np.getSpec().getIngress()).extracting(r -> r.getPorts().get(0).getPort().getIntVal())
        .containsExactlyInAnyOrder(grpcPort, metricsPort);
    assertThat(np.getSpec().getIngress()).filteredOn(r -> r.getPorts().get(0).getPort().getIntVal() == metricsPort)
        .singleElement().satisfies(r -> assertThat(r.getFrom()).isNotEmpty());
  }

  @Test
  void checkpointsOnSharedStorageLetReplicasSpread() {
    Deployment rwx = ofType(render(OPERATOR, t -> operatorValues().apply(t).set("checkpoints.persistence.accessModes[0]", "ReadWriteMany")),
        Deployment.class).get(0);
    assertThat(rwx.getSpec().getTemplate().getSpec().getAffinity()).isNull();
    Deployment single = ofType(render(OPERATOR, t -> operatorValues().apply(t).set("replicaCount", 1)), Deployment.class).get(0);
    assertThat(single.getSpec().getTemplate().getSpec().getAffinity()).isNull();
    assertThatThrownBy(() -> render(OPERATOR, t -> operatorValues().apply(t).set("checkpoints.persistence.accessModes[0]", "ReadWriteOncePod")))
        .hasMessageContaining("accessModes");
  }

  @Test
  void operatorNonDefaultValuesRender() {
    List<HasMetadata> objs = render(OPERATOR, t -> operatorValues().apply(t).set("replicaCount", 1).set("watchAllNamespaces", false)
        .set("metrics.serviceMonitor.enabled", true).set("checkpoints.persistence.existingClaim", "ckpt")
        .set("coordinator.bootstrapTokenSecret", "fedmesh-token").set("coordinator.service.type", "LoadBalancer"));
    assertThat(ofType(objs, Role.class)).singleElement().satisfies(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("fedmesh"));
    assertThat(ofType(objs, RoleBinding.class)).singleElement().satisfies(b -> assertThat(b.getRoleRef().getKind()).isEqualTo("Role"));
    assertThat(ofType(objs, ClusterRole.class)).isEmpty();
    assertThat(ofType(objs, ClusterRoleBinding.class)).isEmpty();
    Deployment d = ofType(objs, Deployment.class).get(0);
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--namespace=fedmesh", "--bootstrap-token-file=/etc/fedmesh/token/token");
    assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getPersistentVolumeClaim() == null ? null : v.getPersistentVolumeClaim().getClaimName()).isEqualTo("ckpt"));
    assertThat(objs).extracting(HasMetadata::getKind).contains("ServiceMonitor").doesNotContain("PersistentVolumeClaim");
  }

  @Test
  void valuesSchemaRejectsAnUnknownKey() {
    assertThatThrownBy(() -> render(OPERATOR, t -> operatorValues().apply(t).set("replicas", 3)))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(AGENT, t -> agentValues().apply(t).set("sitename", "x")))
        .hasMessageContaining("sitename");
    assertThatThrownBy(() -> render(BRIDGE, t -> bridgeValues().apply(t).set("slurmConf", "x")))
        .hasMessageContaining("slurmConf");
    // strict below the top level too: a misspelt nested key is named, not silently ignored
    assertThatThrownBy(() -> render(OPERATOR, t -> operatorValues().apply(t).set("metrics.serviceMonitor.intervall", "10s")))
        .hasMessageContaining("intervall");
    assertThatThrownBy(() -> render(OPERATOR, t -> operatorValues().apply(t).set("resources.request.cpu", "1")))
        .hasMessageContaining("request");
  }

  @Test
  void edgeAgentRendersRestrictedWithTokenAndData() {
    List<HasMetadata> objs = render(AGENT, t -> agentValues().apply(t).set("token.value", "s3cret"));
    Deployment d = ofType(objs, Deployment.class).get(0);
    assertRestricted(d);
    assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--site=factory-berlin", "--data=/data", "--token-file=/etc/fedmesh/token/token");
    assertThat(objs).extracting(HasMetadata::getKind).contains("Secret");
  }

  @Test
  void torchScriptFilesComeFromTheCheckpointVolumeOrAConfigMap() {
    var plain = ofType(render(OPERATOR, t -> operatorValues().apply(t)), Deployment.class).get(0).getSpec().getTemplate().getSpec();
    assertThat(plain.getContainers().get(0).getArgs()).contains("--models-dir=/var/lib/fedmesh/models");
    assertThat(plain.getVolumes()).noneMatch(v -> v.getName().equals("models"));
    var mounted = ofType(render(OPERATOR, t -> operatorValues().apply(t).set("models.configMap", "fedmesh-models")), Deployment.class)
        .get(0).getSpec().getTemplate().getSpec();
    assertThat(volume(mounted.getVolumes(), "models").getConfigMap().getName()).isEqualTo("fedmesh-models");
    assertThat(mounted.getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("models");
      assertThat(m.getMountPath()).isEqualTo("/var/lib/fedmesh/models");
      assertThat(m.getReadOnly()).isTrue();
    });
  }

  @Test
  void aSimulationLearnerAgentGetsItsFlagAndAWritableCache() {
    var pod = ofType(render(AGENT, t -> agentValues().apply(t).set("simulationLearner", "true").set("data.type", "emptyDir")),
        Deployment.class).get(0).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getArgs()).contains("--simulation-learner");
    assertThat(pod.getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("data");
      assertThat(m.getReadOnly()).isFalse();
    });
    var plain = ofType(render(AGENT, t -> agentValues().apply(t)), Deployment.class).get(0).getSpec().getTemplate().getSpec();
    assertThat(plain.getContainers().get(0).getArgs()).doesNotContain("--simulation-learner");
  }

  @Test
  void edgeAgentTakesAnExistingTokenTlsHostDataAndAPersistentOutbox() {
    List<HasMetadata> objs = render(AGENT, t -> agentValues().apply(t).set("data.type", "hostPath").set("data.hostPath", "/srv/csv")
        .set("token.existingSecret", "site-token").set("tls.secretName", "agent-tls").set("outbox.existingClaim", "outbox")
        .set("siteNamespace", "edge"));
    assertThat(ofType(objs, Secret.class)).as("an existing token Secret is used, not created").isEmpty();
    var pod = ofType(objs, Deployment.class).get(0).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getArgs())
        .contains("--token-file=/etc/fedmesh/token/token", "--tls-dir=/etc/fedmesh/tls", "--namespace=edge", "--work-dir=/var/lib/fedmesh-agent");
    assertThat(volume(pod.getVolumes(), "data").getHostPath().getPath()).isEqualTo("/srv/csv");
    assertThat(volume(pod.getVolumes(), "token").getSecret().getSecretName()).isEqualTo("site-token");
    assertThat(volume(pod.getVolumes(), "tls").getSecret().getSecretName()).isEqualTo("agent-tls");
    assertThat(volume(pod.getVolumes(), "work").getPersistentVolumeClaim().getClaimName()).isEqualTo("outbox");
    assertThat(pod.getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("data");
      assertThat(m.getReadOnly()).isTrue();
    });

    var pvc = ofType(render(AGENT, t -> agentValues().apply(t).set("data.type", "pvc").set("data.existingClaim", "site-data")),
        Deployment.class).get(0).getSpec().getTemplate().getSpec();
    assertThat(volume(pvc.getVolumes(), "data").getPersistentVolumeClaim().getClaimName()).isEqualTo("site-data");
    assertThat(volume(pvc.getVolumes(), "work").getEmptyDir()).isNotNull();
    assertThat(pvc.getVolumes()).extracting(Volume::getName).doesNotContain("token");
    assertThatThrownBy(() -> render(AGENT, t -> agentValues().apply(t).set("data.type", "pvc")))
        .hasMessageContaining("data.existingClaim");
  }

  static Volume volume(List<Volume> volumes, String name) {
    return volumes.stream().filter(v -> name.equals(v.getName())).findFirst().orElseThrow(() -> new AssertionError("no volume " + name));
  }

  @Test
  void aServingAgentGetsItsPortAServiceAndAServerCertificate() {
    List<HasMetadata> objs = render(AGENT, t -> agentValues().apply(t).set("serving.enabled", "true").set("serving.port", "8600"));
    var container = ofType(objs, Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs()).contains("--serve-port=8600");
    assertThat(container.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("inference");
      assertThat(p.getContainerPort()).isEqualTo(8600);
    });
    var service = ofType(objs, io.fabric8.kubernetes.api.model.Service.class).get(0);
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(8600);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("inference");
    });
    List<HasMetadata> plain = render(AGENT, t -> agentValues().apply(t));
    assertThat(ofType(plain, io.fabric8.kubernetes.api.model.Service.class)).as("no Service unless the site serves").isEmpty();
    assertThat(ofType(plain, Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .noneMatch(a -> a.startsWith("--serve-port"));
    String certificate = new Helm(AGENT).template().withName("fm").withNamespace("fedmesh").withKubeVersion("1.30.0")
        .set("site", "factory-berlin").set("coordinator", "c:7070").set("data.type", "emptyDir").set("tls.mode", "certManager")
        .set("tls.certManager.issuerRef.name", "mesh-ca").set("serving.enabled", "true").call();
    assertThat(certificate).contains("server auth").contains("- fedmesh-agent-factory-berlin.fedmesh.svc");
  }

  @Test
  void edgeAgentNeedsASiteName() {
    assertThatThrownBy(() -> render(AGENT, t -> t.set("coordinator", "x:1"))).hasMessageContaining("site");
  }

  static void assertRestricted(Deployment d) {
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("tmp");
      assertThat(v.getEmptyDir()).isNotNull();
    });
    for (Container c : pod.getContainers()) {
      var sc = c.getSecurityContext();
      assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
      assertThat(sc.getRunAsUser()).as("the image's user").isEqualTo(65532L);
      assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getLivenessProbe()).as(c.getName() + " liveness").isNotNull();
      assertThat(c.getReadinessProbe()).as(c.getName() + " readiness").isNotNull();
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).containsKey("memory");
      assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    }
  }
}
