#!/usr/bin/env bash
# CI: run the Slurm example on a real one-node Slurm cluster on localhost.
#
#   bash deploy/slurm/local-cluster.sh [SCENARIO.ron] [N]
#
# Installs Debian's slurm-wlm and munge with apt-get when missing (needs root), writes a
# minimal slurm.conf (the node line from `slurmd -C`) into a scratch directory, starts
# munged (unless one runs), slurmctld and slurmd, submits the array and the merge job
# with deploy/slurm/submit.sh, waits, and checks that the merge equals a plain run
# (`diff -r`). Then it deletes one finished job of a shard (what a kill leaves: the
# jobs finished before it are kept), runs that index again alone with sbatch, checks
# that it ran only the lost job, merges again and compares again. It stops every
# daemon it started. Without root or apt it says so and runs the array tasks locally
# with Slurm's variables set instead (the fallback, not a cluster test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
scenario="${1:-scenarios/path-style-301.ron}"
shards="${2:-2}"
replicas=4
bin="$PWD/target/release/s3sim"
scratch=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT

plain="$scratch/plain"
"$bin" run "$scenario" --replicas "$replicas" --out "$plain" >/dev/null

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing slurm-wlm and munge with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >"$scratch/apt.log" 2>&1 \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >"$scratch/apt.log" 2>&1; }
    fi
fi
if ! command -v slurmctld >/dev/null || [ "$(id -u)" != 0 ]; then
    echo "FALLBACK: no Slurm (not root, or apt-get failed): running the array tasks locally with SLURM_ARRAY_TASK_ID set; this is NOT a cluster test"
    for ((k = 0; k < shards; k++)); do
        SLURM_ARRAY_TASK_ID=$k S3SIM_BIN="$bin" bash deploy/slurm/sweep-array.sbatch \
            "$scenario" "$shards" "$scratch/shards" --replicas "$replicas" >/dev/null
    done
    "$bin" merge "$scratch"/shards/*-of-"$shards" --out "$scratch/merged" >/dev/null
    diff -r "$plain" "$scratch/merged"
    echo "local array merged == plain run"
    exit 0
fi

# munge: reuse a running munged, else start one as the munge user.
if ! munge -n </dev/null >/dev/null 2>&1; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    [ -s /etc/munge/munge.key ] || { mungekey -c -f 2>/dev/null || create-munge-key -f; }
    runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/s3sim-ci.pid --foreground 2>"$scratch/munged.log" &
    pids+=($!)
    for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
fi

state="$scratch/slurm"
mkdir -p "$state/ctld" "$state/d"
export SLURM_CONF="$state/slurm.conf"
host=$(hostname -s)
node=$(slurmd -C | head -1)
cat >"$SLURM_CONF" <<CONF
ClusterName=s3simci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" 2>/dev/null &
pids+=($!)
slurmd -D -f "$SLURM_CONF" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do
    sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
    sleep 0.2
done
sinfo -h -o "%P %D %T %c" || { cat "$state"/*.log; exit 1; }

# Wait until job $1 has left the queue (at most 10 minutes).
wait_job() {
    for _ in $(seq 600); do
        [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
        sleep 1
    done
    echo "job $1 still queued after 10 minutes" >&2
    squeue; cat "$state"/*.log; return 1
}

run_dir="$scratch/run"
read -r _ array _ merge _ _ < <(S3SIM_BIN="$bin" S3SIM_MEM=200M S3SIM_TIME=00:10:00 \
    bash deploy/slurm/submit.sh "$scenario" "$shards" "$run_dir" -- --replicas "$replicas")
echo "submitted array $array, merge $merge"
wait_job "$array"
wait_job "$merge"
[ -d "$run_dir/merged" ] || { cat "$run_dir"/logs/*; exit 1; }
diff -r "$plain" "$run_dir/merged"
echo "Slurm array of $shards + merge job == plain run"

# What a kill leaves: shard 1 without its last job; run index 1 again alone.
lost=$(ls "$run_dir/shards/1-of-$shards/jobs" | tail -1)
rm "$run_dir/shards/1-of-$shards/jobs/$lost"
! "$bin" status "$run_dir/shards" >/dev/null
again=$(sbatch --parsable --array=1 --output="$run_dir/logs/again-%A_%a.log" \
    --export=ALL,S3SIM_BIN="$bin" deploy/slurm/sweep-array.sbatch \
    "$scenario" "$shards" "$run_dir/shards" --replicas "$replicas")
wait_job "${again%%;*}"
grep -q "(1 run now, .* kept from an earlier run)" "$run_dir"/logs/again-*.log \
    || { cat "$run_dir"/logs/again-*.log; exit 1; }
"$bin" status "$run_dir/shards" >/dev/null
"$bin" merge "$run_dir"/shards/*-of-"$shards" --out "$scratch/merged-again" >/dev/null
diff -r "$plain" "$scratch/merged-again"
echo "index 1 re-run alone (only its lost job ran), merged again == plain run"
