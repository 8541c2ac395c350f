#!/usr/bin/env bash
# Installs what the HPC tests need, when it is missing: Slurm, munge and Open MPI from Debian, then
# builds the Open MPI Java bindings (mpi.jar, see build-mpi-jar.sh).
# Needs root and apt; otherwise it says why and changes nothing (the Slurm and MPI tests then skip
# with a printed reason). Idempotent: a second run installs nothing. Always exits 0.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log=/tmp/fedmesh-hpc-deps.log

# Debian package -> a file that proves it is installed (dpkg -s is the authority, the file a fast path).
wanted="slurm-wlm munge openmpi-bin libopenmpi-dev"
missing=""
for pkg in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done

if [ -z "$missing" ]; then
  echo "hpc deps: slurm-wlm, munge, openmpi-bin and libopenmpi-dev already installed"
elif [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "hpc deps: not root or no apt-get, so${missing} not installed; Slurm and MPI tests will be skipped"
  exit 0
else
  export DEBIAN_FRONTEND=noninteractive
  echo "hpc deps: installing${missing} from Debian (log: $log)"
  # shellcheck disable=SC2086
  if ! { apt-get update -qq && apt-get install -y -qq $missing; } >"$log" 2>&1; then
    tail -n 20 "$log"
    echo "hpc deps: installation failed (log above); Slurm and MPI tests will be skipped"
    exit 0
  fi
  echo "hpc deps: installed${missing}"
fi

bash "$here/build-mpi-jar.sh" || echo "hpc deps: mpi.jar was not built (see above); MPI tests will be skipped"
exit 0
