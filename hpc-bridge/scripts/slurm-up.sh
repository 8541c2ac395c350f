#!/usr/bin/env bash
# Starts a private single-node Slurm (munged, slurmctld, slurmd) with every file under DIR and
# non-default ports, so it touches nothing of the machine's own setup. Writes DIR/env with
# SLURM_CONF for the clients and the tests. Stop it with slurm-down.sh DIR.
#   usage: slurm-up.sh DIR [CPUS]   (CPUS: how many CPUs the node declares; default 4)
set -euo pipefail
dir=$(realpath "${1:?usage: slurm-up.sh DIR [CPUS]}")
cpus=${2:-4}
host=$(hostname -s)
mkdir -p "$dir"/{munge/etc,munge/run,munge/log,spool/ctld,spool/d,log,run}

# munge: its own key, socket and log; munged insists on a private key dir and runs as user munge
id munge >/dev/null 2>&1 || { echo "slurm-up: user munge missing (install munge)"; exit 1; }
dd if=/dev/urandom of="$dir/munge/etc/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$dir/munge"
chmod 700 "$dir/munge/etc"; chmod 400 "$dir/munge/etc/munge.key"; chmod 755 "$dir/munge/run"
chmod 755 "$dir" "$dir/munge"
runuser -u munge -- /usr/sbin/munged --key-file="$dir/munge/etc/munge.key" --socket="$dir/munge/run/munge.socket" \
  --pid-file="$dir/munge/run/munged.pid" --log-file="$dir/munge/log/munged.log" --seed-file="$dir/munge/run/munged.seed"

port_base=$(( 20000 + RANDOM % 20000 ))
cat > "$dir/slurm.conf" <<CONF
ClusterName=fedmesh
SlurmctldHost=$host
SlurmctldPort=$port_base
SlurmdPort=$((port_base + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/run/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/spool/ctld
SlurmdSpoolDir=$dir/spool/d
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SchedulerParameters=sched_interval=1
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n1 || true)
  if [ "$state" = idle ]; then
    echo "export SLURM_CONF=$SLURM_CONF" > "$dir/env"
    echo "slurm-up: node $host idle with $cpus CPUs (SLURM_CONF=$SLURM_CONF)"
    exit 0
  fi
  sleep 0.5
done
echo "slurm-up: the node did not become idle; logs:"
tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" 2>/dev/null
exit 1
