package io.fedmesh.hpc.sim;

import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects a CUDA GPU once per JVM and remembers the answer. Without a driver JCuda fails at class
 * load (UnsatisfiedLinkError: libcuda.so.1) and on later use (NoClassDefFoundError); both, and a
 * driver that reports an error, mean "no GPU": one log line, no stack trace.
 */
public final class GpuProbe {
  private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);
  private static volatile Result cached;

  /** Whether a GPU can run the stencil, and what was found (device name, or why not). */
  public record Result(boolean available, String description) {}

  private GpuProbe() {}

  public static boolean available() {
    return probe().available();
  }

  public static Result probe() {
    Result r = cached;
    if (r == null) {
      synchronized (GpuProbe.class) {
        r = cached;
        if (r == null) {
          r = detect();
          LOG.info("GPU probe: {}", r.description());
          cached = r;
        }
      }
    }
    return r;
  }

  private static Result detect() {
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      if (count[0] == 0) {
        return new Result(false, "no CUDA device; the stencil runs on the CPU");
      }
      CUdevice device = new CUdevice();
      JCudaDriver.cuDeviceGet(device, 0);
      byte[] name = new byte[256];
      JCudaDriver.cuDeviceGetName(name, name.length, device);
      int[] version = new int[1];
      JCudaDriver.cuDriverGetVersion(version);
      return new Result(true, cString(name) + " (" + count[0] + " device(s), CUDA driver " + version[0] / 1000 + "."
          + (version[0] % 1000) / 10 + "); the stencil runs on JCuda");
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | CudaException e) {
      return new Result(false, "no usable CUDA driver (" + firstLine(e) + "); the stencil runs on the CPU");
    }
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return m.length() > 160 ? m.substring(0, 160) + "..." : m;
  }

  private static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
  }
}
