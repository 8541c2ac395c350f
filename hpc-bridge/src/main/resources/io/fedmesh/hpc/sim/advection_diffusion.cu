// One explicit advection-diffusion step on a strip of rows; the same update as CpuStencilKernel.
// Build: nvcc -ptx -arch=compute_75 -fmad=false advection_diffusion.cu -o advection_diffusion.ptx
// (-fmad=false keeps multiply and add separate, as Java does, so CPU and GPU agree closely).

__device__ float face_flux(float velocity, float left, float right, float diffusivity, float dx) {
  float advective = velocity >= 0.0f ? velocity * left : velocity * right;
  return advective - diffusivity * (right - left) / dx;
}

// field and next: (rows + 2) x cols, rows 0 and rows + 1 are halo rows; source: rows x cols.
extern "C" __global__ void advect_diffuse_step(const float* field, float* next, const float* source, int rows,
    int cols, float u, float v, float diffusivity, float dt, float dx, int closed, int wallBelow, int wallAbove) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  int r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r >= rows || j >= cols) {
    return;
  }
  int row = (r + 1) * cols;
  bool southWall = r == 0 && wallBelow;
  bool northWall = r == rows - 1 && wallAbove;
  float c = field[row + j];
  float west = j == 0 ? (closed ? 0.0f : face_flux(u, 0.0f, c, diffusivity, dx))
                      : face_flux(u, field[row + j - 1], c, diffusivity, dx);
  float east = j == cols - 1 ? (closed ? 0.0f : face_flux(u, c, 0.0f, diffusivity, dx))
                             : face_flux(u, c, field[row + j + 1], diffusivity, dx);
  float south = southWall ? (closed ? 0.0f : face_flux(v, 0.0f, c, diffusivity, dx))
                          : face_flux(v, field[row - cols + j], c, diffusivity, dx);
  float north = northWall ? (closed ? 0.0f : face_flux(v, c, 0.0f, diffusivity, dx))
                          : face_flux(v, c, field[row + cols + j], diffusivity, dx);
  float ratio = dt / dx;
  next[row + j] = c - ratio * ((east - west) + (north - south)) + dt * source[r * cols + j];
}
