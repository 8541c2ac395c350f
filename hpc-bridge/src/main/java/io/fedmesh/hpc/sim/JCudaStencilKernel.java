package io.fedmesh.hpc.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stencil as a CUDA kernel (advection_diffusion.cu, shipped as PTX) run through JCuda's driver
 * API. The strip lives in GPU memory between steps; only the halo rows cross the bus each step, and
 * the whole strip only when it is read.
 */
public final class JCudaStencilKernel implements StencilKernel {
  private static final Logger LOG = LoggerFactory.getLogger(JCudaStencilKernel.class);
  private static final String PTX = "advection_diffusion.ptx";
  private static final String FUNCTION = "advect_diffuse_step";
  private static final int BLOCK_X = 32;
  private static final int BLOCK_Y = 8;

  private final CUcontext context;
  private final CUfunction function;

  private JCudaStencilKernel(CUcontext context, CUfunction function) {
    this.context = context;
    this.function = function;
  }

  /** Loads the kernel on device 0 (its primary context). Call only when {@link GpuProbe#available()}. */
  public static JCudaStencilKernel create() {
    JCudaDriver.setExceptionsEnabled(true);
    JCudaDriver.cuInit(0);
    CUdevice device = new CUdevice();
    JCudaDriver.cuDeviceGet(device, 0);
    CUcontext context = new CUcontext();
    JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
    JCudaDriver.cuCtxSetCurrent(context);
    CUmodule module = new CUmodule();
    String ptx = ptx();
    try {
      JCudaDriver.cuModuleLoadData(module, ptx);
    } catch (CudaException e) {
      // nvcc 13 stamps PTX ISA 9.0, which a CUDA 12 driver refuses. The kernel uses only
      // instructions of ISA 7.0 (CUDA 11), so declare that instead and let the driver JIT it.
      if (!e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION))) {
        throw e;
      }
      LOG.info("the CUDA driver predates PTX ISA 9.0: loading {} as ISA 7.0", PTX);
      JCudaDriver.cuModuleLoadData(module, ptx.replaceFirst("(?m)^\\.version \\d+\\.\\d+", ".version 7.0"));
    }
    CUfunction function = new CUfunction();
    JCudaDriver.cuModuleGetFunction(function, module, FUNCTION);
    return new JCudaStencilKernel(context, function);
  }

  private static String ptx() {
    try (InputStream in = JCudaStencilKernel.class.getResourceAsStream(PTX)) {
      if (in == null) {
        throw new IllegalStateException(PTX + " is missing from the classpath (io/fedmesh/hpc/sim/)");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String name() {
    return "jcuda";
  }

  @Override
  public StencilStrip allocate(int rows, int cols, StencilCoefficients k, float[] source, boolean wallBelow,
      boolean wallAbove) {
    if (rows < 1 || cols < 1 || source.length != rows * cols) {
      throw new IllegalArgumentException("strip needs rows, cols >= 1 and a rows x cols source (rows=" + rows
          + ", cols=" + cols + ", source=" + source.length + ")");
    }
    JCudaDriver.cuCtxSetCurrent(context);
    return new Strip(rows, cols, k, source, wallBelow, wallAbove);
  }

  private final class Strip implements StencilStrip {
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final StencilCoefficients k;
    private final boolean wallBelow;
    private final boolean wallAbove;
    private final CUdeviceptr source = new CUdeviceptr();
    private CUdeviceptr field = new CUdeviceptr();
    private CUdeviceptr next = new CUdeviceptr();
    private boolean closed;

    Strip(int rows, int cols, StencilCoefficients k, float[] src, boolean wallBelow, boolean wallAbove) {
      this.rows = rows;
      this.cols = cols;
      this.rowBytes = (long) cols * Sizeof.FLOAT;
      this.k = k;
      this.wallBelow = wallBelow;
      this.wallAbove = wallAbove;
      long fieldBytes = (rows + 2) * rowBytes;
      JCudaDriver.cuMemAlloc(field, fieldBytes);
      JCudaDriver.cuMemAlloc(next, fieldBytes);
      JCudaDriver.cuMemAlloc(source, rows * rowBytes);
      JCudaDriver.cuMemsetD32(field, 0, (long) (rows + 2) * cols);
      JCudaDriver.cuMemsetD32(next, 0, (long) (rows + 2) * cols);
      JCudaDriver.cuMemcpyHtoD(source, Pointer.to(src), rows * rowBytes);
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public int cols() {
      return cols;
    }

    @Override
    public void firstRow(float[] dst) {
      JCudaDriver.cuCtxSetCurrent(context);
      JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), field.withByteOffset(rowBytes), rowBytes);
    }

    @Override
    public void lastRow(float[] dst) {
      JCudaDriver.cuCtxSetCurrent(context);
      JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), field.withByteOffset(rows * rowBytes), rowBytes);
    }

    @Override
    public void setHalo(float[] below, float[] above) {
      JCudaDriver.cuCtxSetCurrent(context);
      JCudaDriver.cuMemcpyHtoD(field, Pointer.to(below), rowBytes);
      JCudaDriver.cuMemcpyHtoD(field.withByteOffset((rows + 1) * rowBytes), Pointer.to(above), rowBytes);
    }

    @Override
    public void step() {
      JCudaDriver.cuCtxSetCurrent(context);
      Pointer params = Pointer.to(Pointer.to(field), Pointer.to(next), Pointer.to(source), Pointer.to(new int[] {rows}),
          Pointer.to(new int[] {cols}), Pointer.to(new float[] {k.u()}), Pointer.to(new float[] {k.v()}),
          Pointer.to(new float[] {k.diffusivity()}), Pointer.to(new float[] {k.dt()}), Pointer.to(new float[] {k.dx()}),
          Pointer.to(new int[] {k.boundary() == Boundary.CLOSED ? 1 : 0}), Pointer.to(new int[] {wallBelow ? 1 : 0}),
          Pointer.to(new int[] {wallAbove ? 1 : 0}));
      JCudaDriver.cuLaunchKernel(function, (cols + BLOCK_X - 1) / BLOCK_X, (rows + BLOCK_Y - 1) / BLOCK_Y, 1,
          BLOCK_X, BLOCK_Y, 1, 0, null, params, null);
      JCudaDriver.cuCtxSynchronize();
      CUdeviceptr t = field;
      field = next;
      next = t;
    }

    @Override
    public void read(float[] dst) {
      JCudaDriver.cuCtxSetCurrent(context);
      JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), field.withByteOffset(rowBytes), rows * rowBytes);
    }

    @Override
    public void write(float[] src) {
      JCudaDriver.cuCtxSetCurrent(context);
      JCudaDriver.cuMemcpyHtoD(field.withByteOffset(rowBytes), Pointer.to(src), rows * rowBytes);
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuMemFree(field);
        JCudaDriver.cuMemFree(next);
        JCudaDriver.cuMemFree(source);
      }
    }
  }
}
