#!/usr/bin/env bash
# Installs what the HPC tests need, when it is missing: Slurm and munge from Debian.
# Needs root and apt; otherwise it says why and changes nothing (the Slurm tests then skip with
# a printed reason). Idempotent: a second run installs nothing.
set -uo pipefail
if command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then
  echo "hpc deps: slurm-wlm and munge already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "hpc deps: not root or no apt-get: Slurm is not installed; Slurm tests will be skipped"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "hpc deps: installing slurm-wlm and munge from Debian"
if ! { apt-get update -qq && apt-get install -y -qq slurm-wlm munge; } >/tmp/fedmesh-hpc-deps.log 2>&1; then
  tail -n 20 /tmp/fedmesh-hpc-deps.log
  echo "hpc deps: installation failed (log above); Slurm tests will be skipped"
  exit 0
fi
echo "hpc deps: installed $(slurmctld -V 2>/dev/null)"
