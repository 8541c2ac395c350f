package io.fedmesh.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Renders the charts with the real Helm engine and checks the objects they produce. */
class ChartRenderTest {
  static final Path OPERATOR = Path.of("fedmesh-operator");
  static final Path AGENT = Path.of("fedmesh-edge-agent");
  static final Path BRIDGE = Path.of("fedmesh-hpc-bridge");
  static final List<String> KINDS = List.of("edgesites", "distributedmodels", "federatedtrainings", "hpcclusters", "simulationbursts");

  static List<HasMetadata> render(Path chart, UnaryOperator<com.marcnuri.helm.TemplateCommand> values) {
    String yaml = values.apply(new Helm(chart).template().withName("fm").withNamespace("fedmesh").withKubeVersion("1.30.0")).call();
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
    return t -> t.set("site", "factory-berlin").set("coordinator", "fm-fedmesh-operator.fedmesh.svc:7070").set("data.type", "emptyDir");
  }

  @Test
  void chartsPassStrictLint() {
    // the edge-agent chart has no defaults for site and coordinator (the schema requires them), so
    // it is checked by rendering with values below rather than by a values-less lint
    for (Path chart : List.of(OPERATOR, BRIDGE)) {
      LintResult r = new Helm(chart).lint().strict().call();
      assertThat(r.isFailed()).as(chart + ": " + String.join("\n", r.getMessages())).isFalse();
    }
  }

  @Test
  void bridgeRendersForBothBackendsAndExplainsWhatSlurmNeeds() {
    List<HasMetadata> local = render(BRIDGE, t -> t.set("backend", "local"));
    Deployment d = ofType(local, Deployment.class).get(0);
    assertRestricted(d);
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--backend=local", "--listen=0.0.0.0:7443");
    List<HasMetadata> slurm = render(BRIDGE, t -> t.set("backend", "slurm").set("slurm.confConfigMap", "slurm-conf")
        .set("slurm.mungeKeySecret", "munge"));
    var c = ofType(slurm, Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("SLURM_CONF"));
    assertThat(c.getArgs()).contains("--backend=slurm");
    assertThatThrownBy(() -> render(BRIDGE, t -> t.set("backend", "slurm"))).hasMessageContaining("slurm.confConfigMap");
    assertThatThrownBy(() -> render(BRIDGE, t -> t.set("backend", "pbs"))).hasMessageContaining("backend");
  }

  @Test
  void operatorDefaultsAreLeastPrivilegeAndRestricted() {
    List<HasMetadata> objs = render(OPERATOR, UnaryOperator.identity());
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
  }

  @Test
  void operatorNonDefaultValuesRender() {
    List<HasMetadata> objs = render(OPERATOR, t -> t.set("replicaCount", 1).set("watchAllNamespaces", false)
        .set("metrics.serviceMonitor.enabled", true).set("checkpoints.persistence.existingClaim", "ckpt")
        .set("coordinator.bootstrapTokenSecret", "fedmesh-token").set("coordinator.service.type", "LoadBalancer"));
    assertThat(ofType(objs, Role.class)).hasSize(1);
    assertThat(ofType(objs, ClusterRole.class)).isEmpty();
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
    assertThatThrownBy(() -> render(OPERATOR, t -> t.set("replicas", 3)))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(AGENT, t -> agentValues().apply(t).set("sitename", "x")))
        .hasMessageContaining("sitename");
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
  void edgeAgentNeedsASiteName() {
    assertThatThrownBy(() -> render(AGENT, t -> t.set("coordinator", "x:1"))).hasMessageContaining("site");
  }

  static void assertRestricted(Deployment d) {
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    for (Container c : pod.getContainers()) {
      var sc = c.getSecurityContext();
      assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
      assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getLivenessProbe()).as(c.getName() + " liveness").isNotNull();
      assertThat(c.getReadinessProbe()).as(c.getName() + " readiness").isNotNull();
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    }
  }
}
