package io.fedmesh.charts;

import static io.fedmesh.charts.ChartRenderTest.AGENT;
import static io.fedmesh.charts.ChartRenderTest.BRIDGE;
import static io.fedmesh.charts.ChartRenderTest.OPERATOR;
import static io.fedmesh.charts.ChartRenderTest.agentValues;
import static io.fedmesh.charts.ChartRenderTest.copy;
import static io.fedmesh.charts.ChartRenderTest.ofType;
import static io.fedmesh.charts.ChartRenderTest.render;
import static io.fedmesh.charts.ChartRenderTest.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mTLS in the charts: every mode of every chart (secret, certManager, insecure), the mounted
 * certificate, the flags, the cert-manager Certificate with the identity contract's SANs, and the
 * message a missing certificate fails with. Also the bridge's applications allowlist.
 */
class ChartTlsTest {
  static final String TLS_DIR = "/etc/fedmesh/tls";

  static PodSpec pod(List<HasMetadata> objects) {
    return ofType(objects, Deployment.class).get(0).getSpec().getTemplate().getSpec();
  }

  static Container container(List<HasMetadata> objects) {
    return pod(objects).getContainers().get(0);
  }

  static GenericKubernetesResource certificate(List<HasMetadata> objects) {
    List<GenericKubernetesResource> certs = ofType(objects, GenericKubernetesResource.class).stream()
        .filter(r -> "Certificate".equals(r.getKind())).toList();
    assertThat(certs).as("one cert-manager Certificate").hasSize(1);
    assertThat(certs.get(0).getApiVersion()).isEqualTo("cert-manager.io/v1");
    return certs.get(0);
  }

  @SuppressWarnings("unchecked")
  static <T> T spec(GenericKubernetesResource cert, String field) {
    return (T) ((Map<String, Object>) cert.getAdditionalProperties().get("spec")).get(field);
  }

  /** The Secret is mounted read-only at the TLS dir, once, and --tls-dir points there; no --insecure. */
  static void assertMountsCertificate(List<HasMetadata> objects, String secretName) {
    Container c = container(objects);
    assertThat(c.getArgs()).contains("--tls-dir=" + TLS_DIR).doesNotContain("--insecure");
    assertThat(c.getVolumeMounts()).filteredOn(m -> TLS_DIR.equals(m.getMountPath())).singleElement()
        .satisfies(m -> {
          assertThat(m.getReadOnly()).isTrue();
          assertThat(volume(pod(objects).getVolumes(), m.getName()).getSecret().getSecretName()).isEqualTo(secretName);
        });
  }

  static void assertPlaintext(List<HasMetadata> objects) {
    Container c = container(objects);
    assertThat(c.getArgs()).contains("--insecure").noneMatch(a -> a.startsWith("--tls-dir"));
    assertThat(c.getVolumeMounts()).extracting(VolumeMount::getMountPath).doesNotContain(TLS_DIR);
    assertThat(pod(objects).getVolumes()).extracting(Volume::getName).doesNotContain("tls");
    assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Certificate");
  }

  static UnaryOperator<TemplateCommand> certManager(UnaryOperator<TemplateCommand> base) {
    return t -> base.apply(t).set("tls.mode", "certManager").set("tls.certManager.issuerRef.name", "mesh-ca")
        .set("tls.certManager.issuerRef.kind", "ClusterIssuer");
  }

  static void assertIssuedBy(GenericKubernetesResource cert) {
    Map<String, Object> issuer = spec(cert, "issuerRef");
    assertThat(issuer).containsEntry("name", "mesh-ca").containsEntry("kind", "ClusterIssuer").containsEntry("group", "cert-manager.io");
    assertThat((String) spec(cert, "duration")).isEqualTo("2160h");
    assertThat((String) spec(cert, "renewBefore")).isEqualTo("360h");
  }

  // --- operator ---

  @Test
  void operatorMountsAnExistingSecretByDefault() {
    List<HasMetadata> objs = render(OPERATOR, t -> t.set("tls.secretName", "operator-tls"));
    assertMountsCertificate(objs, "operator-tls");
    assertThat(objs).extracting(HasMetadata::getKind).doesNotContain("Certificate");
  }

  @Test
  void operatorWithoutACertificateFailsSayingHowToGetOne() {
    assertThatThrownBy(() -> render(OPERATOR, UnaryOperator.identity()))
        .hasMessageContaining("tls.secretName is required when tls.mode is secret")
        .hasMessageContaining("fedmesh certs issue --operator --namespace fedmesh")
        .hasMessageContaining("tls.mode=certManager").hasMessageContaining("tls.mode=insecure");
  }

  @Test
  void operatorCertManagerCertificateCarriesTheOperatorIdentityAndServiceNames() {
    List<HasMetadata> objs = render(OPERATOR, t -> certManager(UnaryOperator.identity()).apply(t)
        .set("tls.certManager.extraDnsNames[0]", "coordinator.example.com"));
    GenericKubernetesResource cert = certificate(objs);
    String svc = ofType(objs, io.fabric8.kubernetes.api.model.Service.class).get(0).getMetadata().getName();
    assertThat(cert.getMetadata().getNamespace()).isEqualTo("fedmesh");
    assertThat((List<String>) spec(cert, "uris")).containsExactly("spiffe://fedmesh.io/ns/fedmesh/operator");
    assertThat((List<String>) spec(cert, "dnsNames"))
        .containsExactly(svc, svc + ".fedmesh", svc + ".fedmesh.svc", "localhost", "coordinator.example.com");
    assertThat((List<String>) spec(cert, "ipAddresses")).containsExactly("127.0.0.1");
    // one certificate: the coordinator's server side and the client side towards the bridges
    assertThat((List<String>) spec(cert, "usages")).contains("server auth", "client auth");
    assertIssuedBy(cert);
    assertMountsCertificate(objs, spec(cert, "secretName"));
    assertThat((String) spec(cert, "secretName")).isEqualTo(svc + "-tls");
  }

  @Test
  void certManagerNeedsAnIssuer() {
    assertThatThrownBy(() -> render(OPERATOR, t -> t.set("tls.mode", "certManager")))
        .hasMessageContaining("tls.certManager.issuerRef.name");
    assertThatThrownBy(() -> render(BRIDGE, t -> t.set("tls.mode", "certManager")))
        .hasMessageContaining("tls.certManager.issuerRef.name");
    assertThatThrownBy(() -> render(AGENT, t -> agentValues().apply(t).set("tls.mode", "certManager")))
        .hasMessageContaining("tls.certManager.issuerRef.name");
  }

  @Test
  void operatorInsecureIsPlaintextOnlyWhenAsked() {
    assertPlaintext(render(OPERATOR, t -> t.set("tls.mode", "insecure")));
    assertThatThrownBy(() -> render(OPERATOR, t -> t.set("tls.mode", "plaintext"))).hasMessageContaining("mode");
  }

  @Test
  void theOldTlsSecretValuesAreGoneNotSilentlyIgnored() {
    assertThatThrownBy(() -> render(OPERATOR, t -> t.set("tls.secretName", "x").set("coordinator.tlsSecret", "x")))
        .hasMessageContaining("tlsSecret");
    assertThatThrownBy(() -> render(BRIDGE, t -> t.set("tls.secretName", "x").set("tlsSecret", "x"))).hasMessageContaining("tlsSecret");
    assertThatThrownBy(() -> render(AGENT, t -> agentValues().apply(t).set("tlsSecret", "x"))).hasMessageContaining("tlsSecret");
  }

  // --- bridge ---

  @Test
  void bridgeMountsAnExistingSecretOrFailsSayingHowToGetOne() {
    assertMountsCertificate(render(BRIDGE, t -> t.set("tls.secretName", "bridge-tls")), "bridge-tls");
    assertThatThrownBy(() -> render(BRIDGE, UnaryOperator.identity()))
        .hasMessageContaining("tls.secretName is required when tls.mode is secret")
        .hasMessageContaining("fedmesh certs issue --bridge fm --namespace fedmesh");
  }

  @Test
  void bridgeCertManagerCertificateCarriesTheBridgeIdentityAndServiceNames() {
    List<HasMetadata> objs = render(BRIDGE, certManager(UnaryOperator.identity()));
    GenericKubernetesResource cert = certificate(objs);
    String svc = ofType(objs, io.fabric8.kubernetes.api.model.Service.class).get(0).getMetadata().getName();
    // named after the release: the operator's HpcCluster names the bridge it trusts
    assertThat((List<String>) spec(cert, "uris")).containsExactly("spiffe://fedmesh.io/ns/fedmesh/bridge/fm");
    assertThat((List<String>) spec(cert, "dnsNames")).containsExactly(svc, svc + ".fedmesh", svc + ".fedmesh.svc", "localhost");
    assertThat((List<String>) spec(cert, "ipAddresses")).containsExactly("127.0.0.1");
    assertThat((List<String>) spec(cert, "usages")).contains("server auth");
    assertIssuedBy(cert);
    assertMountsCertificate(objs, spec(cert, "secretName"));
  }

  @Test
  void bridgeInsecureIsPlaintext() {
    assertPlaintext(render(BRIDGE, t -> t.set("tls.mode", "insecure")));
  }

  @Test
  void bridgeApplicationsBecomeAMountedAllowlist(@TempDir Path tmp) throws IOException {
    Path values = tmp.resolve("apps.yaml");
    Files.writeString(values, """
        tls: {secretName: bridge-tls}
        applications:
          advection:
            executable: /opt/fedmesh/bin/advection-diffusion
            args: ["--steps", "200"]
            env: {OMP_NUM_THREADS: "4"}
          post-process:
            executable: /opt/fedmesh/bin/post
        """);
    List<HasMetadata> objs = render(BRIDGE, t -> t.withValuesFile(values));
    Container c = container(objs);
    assertThat(c.getArgs()).contains("--applications=/etc/fedmesh/applications/applications.yaml");
    VolumeMount mount = c.getVolumeMounts().stream().filter(m -> "/etc/fedmesh/applications".equals(m.getMountPath()))
        .findFirst().orElseThrow();
    assertThat(mount.getReadOnly()).isTrue();
    ConfigMap cm = ofType(objs, ConfigMap.class).get(0);
    assertThat(volume(pod(objs).getVolumes(), mount.getName()).getConfigMap().getName()).isEqualTo(cm.getMetadata().getName());
    // the file the bridge reads: name -> {executable, args, env}
    Map<String, Map<String, Object>> apps = Serialization.unmarshal(cm.getData().get("applications.yaml"), Map.class);
    assertThat(apps).containsOnlyKeys("advection", "post-process");
    assertThat(apps.get("advection")).containsEntry("executable", "/opt/fedmesh/bin/advection-diffusion")
        .containsEntry("args", List.of("--steps", "200")).containsEntry("env", Map.of("OMP_NUM_THREADS", "4"));
    // a changed allowlist rolls the pod (the bridge reads it at start)
    assertThat(ofType(objs, Deployment.class).get(0).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("checksum/applications");

    List<HasMetadata> none = render(BRIDGE, t -> t.set("tls.secretName", "bridge-tls"));
    assertThat(container(none).getArgs()).noneMatch(a -> a.startsWith("--applications"));
    assertThat(none).extracting(HasMetadata::getKind).doesNotContain("ConfigMap");
  }

  @Test
  void bridgeApplicationsSchemaNamesWhatIsWrong(@TempDir Path tmp) throws IOException {
    Path relative = tmp.resolve("relative.yaml");
    Files.writeString(relative, "tls: {secretName: b}\napplications: {adv: {executable: bin/adv}}\n");
    assertThatThrownBy(() -> render(BRIDGE, t -> t.withValuesFile(relative))).hasMessageContaining("/applications/adv/executable");
    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(typo, "tls: {secretName: b}\napplications: {adv: {executable: /bin/adv, arg: [x]}}\n");
    assertThatThrownBy(() -> render(BRIDGE, t -> t.withValuesFile(typo))).hasMessageContaining("arg");
  }

  // --- edge agent ---

  @Test
  void agentMountsAnExistingSecretOrFailsSayingHowToGetOne() {
    assertMountsCertificate(render(AGENT, agentValues()), "site-tls");
    assertThatThrownBy(() -> render(AGENT, t -> agentValues().apply(t).set("tls.secretName", "")))
        .hasMessageContaining("tls.secretName is required when tls.mode is secret")
        .hasMessageContaining("fedmesh certs issue --site factory-berlin --namespace fedmesh");
  }

  @Test
  void agentCertManagerCertificateNamesTheSiteInTheOperatorsNamespace() {
    List<HasMetadata> objs = render(AGENT, t -> certManager(agentValues()).apply(t).set("tls.secretName", "")
        .set("operatorNamespace", "mesh"));
    GenericKubernetesResource cert = certificate(objs);
    assertThat((List<String>) spec(cert, "uris")).containsExactly("spiffe://fedmesh.io/ns/mesh/site/factory-berlin");
    assertThat((List<String>) spec(cert, "usages")).contains("client auth").doesNotContain("server auth");
    assertIssuedBy(cert);
    assertMountsCertificate(objs, spec(cert, "secretName"));
    // an EdgeSite in its own namespace: the identity follows it
    GenericKubernetesResource edge = certificate(render(AGENT, t -> certManager(agentValues()).apply(t).set("siteNamespace", "edge")));
    assertThat((List<String>) spec(edge, "uris")).containsExactly("spiffe://fedmesh.io/ns/edge/site/factory-berlin");
    assertThat((String) spec(edge, "secretName")).as("a named Secret is the one cert-manager writes").isEqualTo("site-tls");
  }

  @Test
  void agentInsecureIsPlaintext() {
    assertPlaintext(render(AGENT, t -> agentValues().apply(t).set("tls.mode", "insecure")));
  }

  // --- NOTES.txt (helm template does not print it: render a copy of it as an ordinary template) ---

  @Test
  void notesWarnWhenPlaintext(@TempDir Path tmp) throws IOException {
    for (Path chart : List.of(OPERATOR, BRIDGE, AGENT)) {
      Path copy = notesChart(chart, tmp);
      UnaryOperator<TemplateCommand> base = chart.equals(AGENT) ? agentValues() : t -> t.set("tls.secretName", "mesh-tls");
      String insecure = notes(copy, t -> base.apply(t).set("tls.mode", "insecure"));
      assertThat(insecure).as(chart.toString()).contains("WARNING: tls.mode=insecure").contains("PLAINTEXT");
      String secure = notes(copy, base);
      assertThat(secure).as(chart.toString()).doesNotContain("WARNING").contains("spiffe://fedmesh.io/ns/fedmesh/");
    }
  }

  /** The operator's notes tell how to install an agent: that command, placeholders filled in, installs (client-side, helm-java). */
  @Test
  void theAgentInstallCommandTheOperatorNotesPrintInstalls(@TempDir Path tmp) throws Exception {
    for (String mode : List.of("secret", "insecure")) {
      String notes = notes(notesChart(OPERATOR, tmp.resolve(mode)), t -> t.set("tls.secretName", "mesh-tls").set("tls.mode", mode));
      String command = notes.lines().dropWhile(l -> !l.strip().startsWith("helm install")).takeWhile(l -> !l.isBlank())
          .map(String::strip).reduce("", (a, l) -> a.endsWith("\\") ? a.substring(0, a.length() - 1) + " " + l : a.isEmpty() ? l : a);
      String filled = command.replace("<address>", "coordinator.example.org").replaceAll("<[^>]+>", "site-tls");
      List<String> words = List.of(filled.trim().split("\\s+"));
      assertThat(words.subList(0, 2)).as(command).containsExactly("helm", "install");
      Path chart = Path.of("..").resolve(words.get(3));
      var install = new Helm(chart).install().withName(words.get(2)).withNamespace("edge").withKubeVersion("1.30.0");
      Map<String, String> sets = new java.util.LinkedHashMap<>();
      for (int i = 4; i < words.size(); i++) {
        assertThat(words.get(i)).as("only --set flags in: " + command).isEqualTo("--set");
        String[] kv = words.get(++i).split("=", 2);
        sets.put(kv[0], kv[1]);
        install.set(kv[0], kv[1]);
      }
      var release = install.clientOnly().dryRun().call();
      assertThat(release.getStatus()).as(mode + ": " + release.getOutput()).isEqualTo("pending-install");
      assertThat(release.getOutput()).as(mode).contains("coordinator.example.org:7070");
      List<HasMetadata> objs = render(chart, t -> {
        sets.forEach(t::set);
        return t;
      });
      Container agent = ofType(objs, Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(agent.getArgs()).as(mode).contains("--site=factory-berlin", "--coordinator=coordinator.example.org:7070");
      assertThat(agent.getArgs().contains("--insecure")).as(mode).isEqualTo(mode.equals("insecure"));
    }
  }

  /** A copy of {@code chart} whose NOTES.txt renders as a ConfigMap (helm template does not print notes). */
  static Path notesChart(Path chart, Path tmp) throws IOException {
    {
      Path copy = copy(chart, tmp.resolve(chart.getFileName().toString()));
      Path notes = copy.resolve("templates/NOTES.txt");
      Files.writeString(copy.resolve("templates/_notes-under-test.tpl"),
          "{{- define \"notes-under-test\" -}}\n" + Files.readString(notes) + "{{- end -}}\n");
      Files.delete(notes);
      Files.writeString(copy.resolve("templates/notes-under-test.yaml"), """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: notes-under-test
          data:
            notes: |
          {{ include "notes-under-test" . | indent 4 }}
          """);
      return copy;
    }
  }

  static String notes(Path chart, UnaryOperator<TemplateCommand> values) {
    return ofType(render(chart, values), ConfigMap.class).stream().filter(c -> "notes-under-test".equals(c.getMetadata().getName()))
        .findFirst().orElseThrow().getData().get("notes");
  }
}
