package io.fedmesh.common.model;

import io.fedmesh.proto.federation.v1.ConvBlock;

/** A convolution block: {@code filters} k x k convolutions (same padding), the activation, then max pooling by {@code pool}. */
public record ConvolutionBlock(int filters, int kernel, int pool) {
  public ConvolutionBlock {
    if (filters < 1 || kernel < 1 || pool < 1) {
      throw new IllegalArgumentException("a convolution block needs filters, kernel and pool of at least 1 (got " + filters + ", "
          + kernel + ", " + pool + ")");
    }
  }

  public ConvBlock toProto() {
    return ConvBlock.newBuilder().setFilters(filters).setKernel(kernel).setPool(pool).build();
  }

  public static ConvolutionBlock fromProto(ConvBlock b) {
    return new ConvolutionBlock(b.getFilters(), b.getKernel(), b.getPool());
  }
}
