#!/usr/bin/env bash
# The test command of the README (`./fedmesh test`), also run by .ci/run.
#
# Installs what the tests need when it is missing (Slurm and munge from Debian, as root), starts a
# private single-node Slurm in a temporary directory (hpc-bridge/scripts/slurm-up.sh), runs the
# whole Maven build with every test, and stops Slurm again. The Slurm tests skip with a printed
# reason where Slurm cannot be installed or started (not root, no apt); nothing skips silently, and
# under CI=true a Slurm that cannot be installed or started fails the run instead.
#
# Environment: FEDMESH_SKIP_HPC_INSTALL=1 skips the HPC apt step, FEDMESH_SKIP_DATA_INSTALL=1 the
# data set one (dataset-fashion-mnist and python3-torch for the TorchScript fixtures,
# scripts/install-data-deps.sh); extra arguments go to Maven
# (e.g. `./fedmesh test -pl common`).
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  cat <<'USAGE'
Usage: ./fedmesh test [MAVEN-ARGS...]
Runs the whole test suite, as CI does (.ci/run): picks a JDK >= 21; as root installs Slurm, munge and
Open MPI from Debian when missing (FEDMESH_SKIP_HPC_INSTALL=1 skips that) and Debian's
dataset-fashion-mnist and python3-torch, which writes the TorchScript test modules
(FEDMESH_SKIP_DATA_INSTALL=1 skips that); starts a private
single-node Slurm in a temporary directory; runs ./mvnw install with every test (unit, mock-API,
integration, *IT); stops Slurm. Without Slurm the Slurm tests skip with their reason, unless CI=true,
where they fail. Extra arguments go to Maven, e.g. ./fedmesh test -pl common -Dtest=UpdateCodecTest
USAGE
  exit 0
fi
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/select-jdk.sh
fedmesh_select_jdk
echo "== fedmesh test: JDK $(fedmesh_java_major "$JAVA_HOME") at $JAVA_HOME"

if [ "${FEDMESH_SKIP_HPC_INSTALL:-0}" != 1 ] && [ -f hpc-bridge/scripts/install-hpc-deps.sh ]; then
  echo "== installing HPC test dependencies (Slurm, munge) where missing"
  bash hpc-bridge/scripts/install-hpc-deps.sh
fi

if [ "${FEDMESH_SKIP_DATA_INSTALL:-0}" != 1 ]; then
  echo "== installing test data sets (Fashion-MNIST, the 8x8 digits of python3-sklearn) and python3-torch (TorchScript fixtures) where missing"
  bash scripts/install-data-deps.sh
fi

slurm_dir=""
cleanup() {
  if [ -n "$slurm_dir" ] && [ -f hpc-bridge/scripts/slurm-down.sh ]; then
    bash hpc-bridge/scripts/slurm-down.sh "$slurm_dir" || true
  fi
}
trap cleanup EXIT

if command -v slurmctld >/dev/null 2>&1 && [ -f hpc-bridge/scripts/slurm-up.sh ]; then
  slurm_dir=$(mktemp -d /tmp/fedmesh-slurm.XXXXXX)
  echo "== starting a private Slurm in $slurm_dir"
  if bash hpc-bridge/scripts/slurm-up.sh "$slurm_dir" && [ -f "$slurm_dir/env" ]; then
    . "$slurm_dir/env"
    echo "== Slurm is up: SLURM_CONF=${SLURM_CONF:-}"
  else
    echo "== Slurm did not start (see above): Slurm integration tests will be skipped"
    # in CI nothing skips for want of what this script should set up
    [ "${CI:-}" = true ] && { echo "== CI=true: the Slurm and MPI tests must run; failing"; exit 1; }
  fi
else
  echo "== Slurm is not installed: Slurm integration tests will be skipped"
  [ "${CI:-}" = true ] && { echo "== CI=true: the Slurm and MPI tests must run (install slurm-wlm, munge); failing"; exit 1; }
fi

export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
echo "== running the test suite"
./mvnw -B -ntp install "$@"
