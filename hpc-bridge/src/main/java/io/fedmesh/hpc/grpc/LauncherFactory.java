package io.fedmesh.hpc.grpc;

/**
 * The old name of {@link io.fedmesh.hpc.bursts.LauncherFactory}, kept so code outside this module
 * (mesh's LocalHpc) still compiles; import {@code io.fedmesh.hpc.bursts.LauncherFactory} instead.
 */
@Deprecated(forRemoval = true)
@FunctionalInterface
public interface LauncherFactory extends io.fedmesh.hpc.bursts.LauncherFactory {}
