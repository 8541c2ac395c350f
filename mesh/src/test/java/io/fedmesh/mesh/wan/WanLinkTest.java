package io.fedmesh.mesh.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netcrusher.core.reactor.NioReactor;

/**
 * The emulated link on real sockets: a sink server counts the bytes a client sends through the
 * proxy, so bandwidth is bytes over time as measured at the far end, and a partition is bytes
 * that stop arriving.
 */
class WanLinkTest {
  private NioReactor reactor;
  private ServerSocket sink;
  private final AtomicLong received = new AtomicLong();
  private Thread sinkThread;

  @BeforeEach
  void startSink() throws IOException {
    reactor = new NioReactor();
    sink = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    sinkThread = new Thread(() -> {
      try (Socket s = sink.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
          received.addAndGet(n);
          if (n > 0 && buf[n - 1] == '?') {
            out.write('!'); // an echo for the round-trip test
            out.flush();
          }
        }
      } catch (IOException e) {
        // the test closed the socket
      }
    });
    sinkThread.setDaemon(true);
    sinkThread.start();
  }

  @AfterEach
  void stop() throws IOException {
    sink.close();
    reactor.close();
  }

  @Test
  void bandwidthIsCappedAndAChangeWhileRunningSlowsTheTransfer() throws Exception {
    try (WanLink link = WanLink.open(reactor, freePort(), sink.getLocalPort(), new WanLink.Profile(2, 16));
        Socket client = new Socket(InetAddress.getLoopbackAddress(), link.port())) {
      OutputStream out = client.getOutputStream();
      double fast = sendAndMeasureMbps(out, 1_000_000);
      link.conditions().bandwidth(4);
      double slow = sendAndMeasureMbps(out, 500_000);
      // 16 and 4 Mbit/s, within a tolerance for the proxy's chunking and a busy machine
      assertThat(fast).as("Mbit/s at 16").isBetween(16 * 0.7, 16 * 1.15);
      assertThat(slow).as("Mbit/s after the change to 4").isBetween(4 * 0.7, 4 * 1.15);
    }
  }

  @Test
  void aPartitionBlocksBytesUntilItHealsAndTheConnectionSurvives() throws Exception {
    try (WanLink link = WanLink.open(reactor, freePort(), sink.getLocalPort(), new WanLink.Profile(2, 100));
        Socket client = new Socket(InetAddress.getLoopbackAddress(), link.port())) {
      OutputStream out = client.getOutputStream();
      out.write(new byte[1000]);
      out.flush();
      await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 1000);
      link.partition();
      assertThat(link.partitioned()).isTrue();
      out.write(new byte[1000]);
      out.flush();
      // nothing may arrive while cut: watch for a full second (a check that bytes do NOT come must wait)
      long until = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < until) {
        assertThat(received.get()).as("bytes through a partitioned link").isEqualTo(1000);
        Thread.onSpinWait();
      }
      link.heal();
      await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 2000);
    }
  }

  @Test
  void theRoundTripTimeIsTheProfilesAndJitterNeverGoesBelowIt() throws Exception {
    try (WanLink link = WanLink.open(reactor, freePort(), sink.getLocalPort(), new WanLink.Profile(100, 100, 20));
        Socket client = new Socket(InetAddress.getLoopbackAddress(), link.port())) {
      client.setSoTimeout(5000);
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      long best = Long.MAX_VALUE;
      long worst = 0;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        out.write('?');
        out.flush();
        try {
          assertThat(in.read()).isEqualTo('!');
        } catch (SocketTimeoutException e) {
          throw new AssertionError("no echo through the link within 5 s", e);
        }
        long rtt = (System.nanoTime() - t0) / 1_000_000;
        best = Math.min(best, rtt);
        worst = Math.max(worst, rtt);
      }
      // 100 ms RTT, each direction jittered by up to 20 ms either way: 60..140 ms and some slack above
      assertThat(best).as("fastest round trip, ms").isGreaterThanOrEqualTo(60);
      assertThat(worst).as("slowest round trip, ms").isLessThan(400);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Sends {@code bytes} and waits until the sink has them all; the rate is measured at the far end. */
  private double sendAndMeasureMbps(OutputStream out, int bytes) throws Exception {
    long start = received.get();
    long t0 = System.nanoTime();
    byte[] chunk = new byte[16384];
    for (int sent = 0; sent < bytes; sent += chunk.length) {
      out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
    }
    out.flush();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> received.get() - start >= bytes);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return bytes * 8 / seconds / 1e6;
  }
}
