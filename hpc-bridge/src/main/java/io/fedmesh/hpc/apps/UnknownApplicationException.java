package io.fedmesh.hpc.apps;

/**
 * A task asked for an application the bridge's allowlist does not have. The request is well formed
 * but this bridge's configuration refuses it (gRPC FAILED_PRECONDITION), so the message names the
 * application and where the allowlist lives.
 */
public final class UnknownApplicationException extends IllegalArgumentException {
  UnknownApplicationException(String message) {
    super(message);
  }
}
