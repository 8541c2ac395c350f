package io.fedmesh.common.security;

import io.fedmesh.common.grpc.TlsFiles;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * TLS 1.3 with a client certificate required on every fedmesh link. Keys and CA are re-read from
 * their files every minute, so a certificate renewed in place (a rotated Secret, `fedmesh certs
 * renew`) is used for new connections without a restart.
 */
public final class MutualTls {
  private static final String TLS13 = "TLSv1.3";
  private static final long RELOAD_SECONDS = 60;
  private static final ScheduledExecutorService RELOADER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tls-reload");
    t.setDaemon(true);
    return t;
  });

  private MutualTls() {}

  /** The server side: our certificate, and a client certificate from our CA required. */
  public static SslContext server(TlsFiles tls) {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(keys(tls)), SslProvider.JDK)
          .trustManager(trust(tls, AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION))
          .clientAuth(ClientAuth.REQUIRE)
          .protocols(TLS13)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS from " + tls.certChain().getParent() + ": " + e.getMessage(), e);
    }
  }

  /** A channel to {@code target} (host:port): mutual TLS checking the server's name, or plaintext when tls is null. */
  public static ManagedChannelBuilder<?> channel(String target, TlsFiles tls) {
    if (tls == null) {
      return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create());
    }
    try {
      SslContext context = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
          .keyManager(keys(tls))
          .trustManager(trust(tls, AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION))
          .protocols(TLS13)
          .build();
      return NettyChannelBuilder.forTarget(target).sslContext(context);
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS from " + tls.certChain().getParent() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The same key and CA as a JDK {@link javax.net.ssl.SSLContext} (TLS 1.3), for the HTTPS links
   * (the agent's inference server, its clients); a server must still require the client
   * certificate in its parameters. {@code checkHostName}: a client checks the server's DNS/IP SAN.
   */
  public static javax.net.ssl.SSLContext jdk(TlsFiles tls, boolean checkHostName) {
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance(TLS13);
      context.init(new javax.net.ssl.KeyManager[] {keys(tls)}, new javax.net.ssl.TrustManager[] {trust(tls, checkHostName
          ? AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION
          : AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS 1.3 from " + tls.certChain().getParent() + ": " + e.getMessage(), e);
    }
  }

  /** The protocol every fedmesh TLS link speaks. */
  public static String protocol() {
    return TLS13;
  }

  private static AdvancedTlsX509KeyManager keys(TlsFiles tls) {
    AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    try {
      keys.updateIdentityCredentials(tls.certChain().toFile(), tls.privateKey().toFile(), RELOAD_SECONDS, TimeUnit.SECONDS, RELOADER);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the certificate " + tls.certChain() + " or its key " + tls.privateKey()
          + " (PEM, key in PKCS#8; `fedmesh certs issue` writes both): " + e.getMessage(), e);
    }
    return keys;
  }

  private static AdvancedTlsX509TrustManager trust(TlsFiles tls, AdvancedTlsX509TrustManager.Verification verification) {
    try {
      AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder().setVerification(verification).build();
      trust.updateTrustCredentials(tls.trustedCa().toFile(), RELOAD_SECONDS, TimeUnit.SECONDS, RELOADER);
      return trust;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the CA certificate " + tls.trustedCa() + ": " + e.getMessage(), e);
    }
  }
}
