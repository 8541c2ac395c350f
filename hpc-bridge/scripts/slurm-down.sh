#!/usr/bin/env bash
# Stops the private Slurm started by slurm-up.sh DIR.
set -uo pipefail
dir=$(realpath "${1:?usage: slurm-down.sh DIR}")
for pidfile in "$dir/run/slurmd.pid" "$dir/run/slurmctld.pid" "$dir/munge/run/munged.pid"; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
sleep 0.5
echo "slurm-down: stopped the Slurm in $dir"
