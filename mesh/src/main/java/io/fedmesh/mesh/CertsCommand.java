package io.fedmesh.mesh;

import io.fedmesh.common.security.CertificateAuthority;
import io.fedmesh.common.security.IssuedLedger;
import io.fedmesh.common.security.PeerIdentity;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `fedmesh certs`: the mesh's own PKI, the way FLARE provisions one: a CA, a certificate per site,
 * operator and bridge with the identity in a URI SAN, renewal in place, and a list of what was issued.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = {"Certificates for mutual TLS on every fedmesh link (see docs/security.md).",
        "A directory of tls.crt, tls.key and ca.crt is what --tls-dir takes and what a Kubernetes TLS Secret holds."},
    subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class, CertsCommand.Renew.class, CertsCommand.ListIssued.class})
public final class CertsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class CaDir {
    @Option(names = "--ca-dir", defaultValue = "fedmesh-ca", description = "Where the CA lives: ca.crt, ca.key, issued.csv (default: ${DEFAULT-VALUE}).")
    Path dir;
  }

  @Command(name = "init", mixinStandardHelpOptions = true, description = "Make a new CA (refuses to overwrite one).")
  static final class Init implements Callable<Integer> {
    @picocli.CommandLine.Mixin CaDir ca;

    @Option(names = "--name", defaultValue = "fedmesh CA", description = "The CA's common name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--days", defaultValue = "3650", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() throws Exception {
      requirePositive(days);
      X509Certificate cert = CertificateAuthority.create(ca.dir, name, Duration.ofDays(days)).certificate();
      System.out.printf("CA '%s' in %s, valid until %s; keep %s secret%n", name, ca.dir, cert.getNotAfter().toInstant(),
          ca.dir.resolve("ca.key"));
      return 0;
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Issue a certificate: for a site (--site NAME), the operator (--operator) or a bridge (--bridge NAME).",
          "Writes tls.crt, tls.key, ca.crt into --out; create the Secret with",
          "  kubectl create secret generic NAME --from-file=OUT_DIR"})
  static final class Issue implements Callable<Integer> {
    @picocli.CommandLine.Mixin CaDir ca;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    static final class Who {
      @Option(names = "--site", paramLabel = "NAME", description = "An edge site (its EdgeSite name).")
      String site;

      @Option(names = "--operator", description = "The operator (coordinator server and bridge client).")
      boolean operator;

      @Option(names = "--bridge", paramLabel = "NAME", description = "An hpc-bridge.")
      String bridge;
    }

    @Option(names = "--namespace", defaultValue = "default", description = "Namespace of the identity (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--host", paramLabel = "DNS|IP",
        description = "A name or address a server is reached by (repeatable), e.g. the coordinator Service's DNS name.")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--days", defaultValue = "90", description = "Validity in days (default: ${DEFAULT-VALUE}); renew before it ends.")
    int days;

    @Option(names = "--out", required = true, description = "Directory to write tls.crt, tls.key and ca.crt into.")
    Path out;

    @Override
    public Integer call() throws Exception {
      requirePositive(days);
      PeerIdentity identity = who.operator ? PeerIdentity.operator(namespace)
          : who.site != null ? PeerIdentity.site(namespace, who.site) : PeerIdentity.bridge(namespace, who.bridge);
      X509Certificate cert = CertificateAuthority.load(ca.dir).issue(identity, hosts, Instant.now().minusSeconds(60),
          Duration.ofDays(days), out);
      System.out.printf("issued %s (serial %s) into %s, valid until %s%n", identity.uri(), cert.getSerialNumber().toString(16), out,
          cert.getNotAfter().toInstant());
      return 0;
    }
  }

  @Command(name = "renew", mixinStandardHelpOptions = true,
      description = "Replace the key and certificate in a directory with new ones for the same identity and hosts.")
  static final class Renew implements Callable<Integer> {
    @picocli.CommandLine.Mixin CaDir ca;

    @Parameters(paramLabel = "DIR", description = "A directory `certs issue` wrote (tls.crt, tls.key, ca.crt).")
    Path out;

    @Option(names = "--days", defaultValue = "90", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() throws Exception {
      requirePositive(days);
      X509Certificate cert = CertificateAuthority.load(ca.dir).renew(out, Duration.ofDays(days));
      System.out.printf("renewed %s: serial %s, valid until %s; running servers and agents pick it up within a minute%n", out,
          cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the certificates the CA issued and their state.")
  static final class ListIssued implements Callable<Integer> {
    @picocli.CommandLine.Mixin CaDir ca;

    @Override
    public Integer call() throws Exception {
      Instant now = Instant.now();
      System.out.printf("%-34s %-13s %-21s %s%n", "SERIAL", "STATE", "NOT AFTER", "IDENTITY");
      for (IssuedLedger.Entry e : CertificateAuthority.load(ca.dir).ledger().entries()) {
        System.out.printf("%-34s %-13s %-21s %s%s%n", e.serial(), e.state(now), e.notAfter(), e.identity(),
            e.hosts().isEmpty() ? "" : "  hosts " + e.hosts());
      }
      return 0;
    }
  }

  private static void requirePositive(int days) {
    if (days < 1) {
      throw new IllegalArgumentException("--days must be at least 1 (got " + days + ")");
    }
  }
}
