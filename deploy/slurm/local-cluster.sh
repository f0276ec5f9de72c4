#!/usr/bin/env bash
# CI: run the Slurm example on a real one-node Slurm cluster on localhost, with a real
# requeue and a real kill of array tasks in the middle of their work.
#
#   bash deploy/slurm/local-cluster.sh [SCENARIO.ron] [N] [REPLICAS]
#
# Installs Debian's slurm-wlm and munge with apt-get when missing (needs root), writes a
# minimal slurm.conf (the node line from `slurmd -C`, two free local ports) into a
# scratch directory, starts munged (unless one runs), slurmctld and slurmd, and then:
#
#  1. submits the example (deploy/slurm/submit.sh: an array of N >= 3 shards and a merge
#     job that waits for it with afterany);
#  2. once task 0 has written its first job file and is still RUNNING, requeues it
#     (`scontrol requeue`): Slurm kills it and runs it again, and the second run keeps
#     the jobs the first one finished;
#  3. once task 1 has written its first job file and is still RUNNING, cancels it
#     (`scancel`): its shard stays partial;
#  4. prints the evidence (task states before and after, `Restarts=1`, jobs done when
#     killed, the requeued task's log saying how many jobs it kept);
#  5. takes the `sbatch --array=...` line that the failed merge job printed, runs it
#     exactly as printed, waits, merges and compares the merge with a plain run of the
#     same scenario (`diff -r`): byte-identical.
#
# Every wait has a limit and says what it waited for when it gives up. On exit it
# cancels its jobs and stops every daemon it started. Without root or apt it says so
# and runs the array tasks locally with Slurm's variables set instead (the fallback,
# not a cluster test). A task must take long enough (several jobs of a second or more)
# for "mid-run" to be real: the script fails, saying so, when a task ends before it
# could be requeued or cancelled.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
scenario="${1:-scenarios/path-style-301.ron}"
shards="${2:-3}"
replicas="${3:-600}"
bin="$PWD/target/release/s3sim"
[ -x "$bin" ] || { echo "build s3sim first: cargo build --release --bin s3sim" >&2; exit 2; }
[ "$shards" -ge 3 ] || { echo "N must be at least 3 (one task requeued, one cancelled, one left alone)" >&2; exit 2; }
scratch=$(mktemp -d)
pids=()
state="$scratch/slurm"
# Set once SLURM_CONF names this script's cluster: only then may cleanup cancel jobs
# (never on a cluster the caller's environment points at).
our_cluster=0
cleanup() {
    status=$?
    if [ "$our_cluster" = 1 ]; then
        # Cancel what is left so that no job step outlives slurmd.
        scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
        for _ in $(seq 100); do
            [ -z "$(squeue -h 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
    # Daemons in reverse order of start: slurmd, slurmctld, then munged.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do wait "${pids[$i]}" 2>/dev/null || true; done
    if [ "$status" != 0 ] && [ -d "$state" ]; then
        echo "--- Slurm logs (the stage failed) ---" >&2
        tail -n 30 "$state"/*.log >&2 2>/dev/null || true
        tail -n 30 "$scratch"/run/logs/*.log >&2 2>/dev/null || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT
# A timeout's SIGTERM (or Ctrl-C) ends the script through the EXIT trap too.
trap 'echo "local-cluster: stopped by SIGTERM (a timeout?); stopping the cluster" >&2; exit 143' TERM
trap 'exit 130' INT

# Say something, with the seconds since the stage started.
t0=$SECONDS
say() { echo "[+$((SECONDS - t0))s] $*"; }

# Fail with a message naming what did not happen in time.
die() { echo "local-cluster: $*" >&2; exit 1; }

plain="$scratch/plain"
"$bin" run "$scenario" --replicas "$replicas" --out "$plain" >/dev/null
say "plain run of $replicas replicas done"

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
    runuser -u munge -- /usr/sbin/munged --pid-file="$scratch/munged.pid" --foreground 2>"$scratch/munged.log" &
    pids+=($!)
    for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n </dev/null >/dev/null 2>&1 || die "munged did not answer within 5 s: $(cat "$scratch/munged.log")"
fi

mkdir -p "$state/ctld" "$state/d"
export SLURM_CONF="$state/slurm.conf"
our_cluster=1
host=$(hostname -s)
node=$(slurmd -C | head -1)
# Two free TCP ports, so that this cluster does not meet another one on this machine.
read -r ctld_port d_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
cat >"$SLURM_CONF" <<CONF
ClusterName=s3simci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
AuthInfo=cred_expire=10
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/jobcomp.txt
MpiDefault=none
ReturnToService=2
JobRequeue=1
KillWait=5
MinJobAge=600
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
for _ in $(seq 150); do
    sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
    sleep 0.2
done
sinfo -h -o "%P %D %T %c" | grep -qE '(idle|mixed|allocated)' \
    || die "the node did not come up within 30 s (sinfo: $(sinfo -h -o '%T' 2>&1))"
say "cluster up: $(sinfo -h -o "%P %D %T %c")"

# Wait until job $1 has left the queue (at most $2 seconds, default 300).
wait_job() {
    local limit="${2:-300}"
    for _ in $(seq $((limit * 5))); do
        [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
        sleep 0.2
    done
    squeue >&2
    die "job $1 still queued after $limit s"
}

# A task's state, run time and restarts from slurmctld (kept MinJobAge after it ends).
task_state() {
    scontrol -o show job "$1" | tr ' ' '\n' \
        | grep -E '^(JobId|ArrayJobId|ArrayTaskId|JobState|Reason|RunTime|Restarts|ExitCode|EligibleTime)=' | tr '\n' ' '
}

# How many files named $2 the directory $1 holds (0 while it does not exist).
count() { { find "$1" -name "$2" 2>/dev/null || true; } | wc -l; }

# Wait (at most 120 s) until array task $1 is RUNNING and its shard directory $2 holds a
# quarter of its $3 jobs (at least one), but not all: the moment to interrupt it mid-run.
wait_mid_run() {
    local task="$1" jobs="$2/jobs" total="$3" done_jobs
    local enough=$(( total / 4 > 1 ? total / 4 : 1 ))
    for _ in $(seq 600); do
        done_jobs=$(count "$jobs" '*.bin.gz')
        if [ "$(squeue -h -j "$task" -o %T 2>/dev/null)" = RUNNING ] && [ "$done_jobs" -ge "$enough" ]; then
            [ "$done_jobs" -lt "$total" ] \
                || die "task $task finished all $total jobs before it could be interrupted; give more replicas"
            return 0
        fi
        [ "$done_jobs" -ge "$total" ] && die "task $task ended before it could be interrupted; give more replicas"
        sleep 0.2
    done
    die "task $task was not running with a finished job within 120 s ($(task_state "$task"))"
}

run_dir="$scratch/run"
per_shard=$(( (replicas + shards - 1) / shards ))
read -r _ array _ merge _ _ < <(S3SIM_BIN="$bin" S3SIM_MEM=200M S3SIM_TIME=00:10:00 \
    bash deploy/slurm/submit.sh "$scenario" "$shards" "$run_dir" -- --replicas "$replicas")
say "submitted array $array ($shards tasks of $per_shard jobs), merge $merge (afterany)"

# Requeue task 0 in the middle of its run.
wait_mid_run "${array}_0" "$run_dir/shards/0-of-$shards" "$per_shard"
say "before requeue: $(task_state "${array}_0")"
kept=$(count "$run_dir/shards/0-of-$shards/jobs" '*.bin.gz')
scontrol requeue "${array}_0"
say "requeued ${array}_0 with $kept of $per_shard jobs written"
say "after requeue:  $(task_state "${array}_0")"
# Slurm holds a requeued batch job until its old credential expires (EligibleTime,
# AuthInfo cred_expire: 120 s by default, 10 s in this cluster).
for _ in $(seq 150); do
    [ "$(squeue -h -j "${array}_0" -o %T 2>/dev/null)" = PENDING ] && break
    sleep 0.2
done
say "requeued, pending: $(task_state "${array}_0")"

# Cancel task 1 in the middle of its run.
wait_mid_run "${array}_1" "$run_dir/shards/1-of-$shards" "$per_shard"
say "before scancel: $(task_state "${array}_1")"
scancel "${array}_1"
for _ in $(seq 150); do
    [ -z "$(squeue -h -j "${array}_1" 2>/dev/null)" ] && break
    sleep 0.2
done
cancelled=$(task_state "${array}_1")
say "after scancel:  $cancelled"
[[ "$cancelled" == *JobState=CANCELLED* ]] || die "task ${array}_1 is not CANCELLED: $cancelled"
left=$(count "$run_dir/shards/1-of-$shards/jobs" '*.bin.gz')
say "cancelled ${array}_1 with $left of $per_shard jobs written"
[ "$left" -lt "$per_shard" ] || die "task ${array}_1 had finished its shard when it was cancelled"
partial=$(count "$run_dir/shards/1-of-$shards/jobs" '.partial-*')
[ "$partial" = 0 ] || die "the cancelled task left $partial .partial-* file(s) in its shard"

wait_job "$array"
say "array ended"
wait_job "$merge"
say "merge job ended; Slurm's job completion records of the array (jobcomp/filetxt; no slurmdbd, so no sacct):"
grep 'Name=s3sim-shard' "$state/jobcomp.txt" | tr ' ' '\n' \
    | grep -E '^(JobId|JobState|StartTime|EndTime)=' | paste -d ' ' - - - - || true
requeued=$(task_state "${array}_0")
say "requeued task at the end: $requeued"
[[ "$requeued" == *Restarts=1* && "$requeued" == *JobState=COMPLETED* ]] \
    || die "task ${array}_0 did not complete after one restart: $requeued"
resumed=$(grep -h "kept from an earlier run" "$run_dir"/logs/shard-"${array}"_0.log || true)
say "requeued task's log: $resumed"
if [[ "$resumed" =~ \(([0-9]+)\ run\ now,\ ([0-9]+)\ kept ]]; then
    ran_again="${BASH_REMATCH[1]}" kept_again="${BASH_REMATCH[2]}"
else
    die "the requeued task's log has no line saying what it kept"
fi
[ "$kept_again" -ge "$kept" ] && [ "$kept_again" -lt "$per_shard" ] \
    && [ $((ran_again + kept_again)) = "$per_shard" ] \
    || die "the requeued task did not keep the $kept jobs of its first run: $resumed"
[ ! -d "$run_dir/merged" ] || die "the merge job merged although task 1 was cancelled"

# The merge job failed and printed the line that runs the missing index; run it as is.
merge_log="$run_dir/logs/merge-$merge.log"
line=$(grep -m1 -E '^ *sbatch --array=' "$merge_log" | sed -E 's/^ +//') \
    || die "the merge job printed no sbatch line: $(cat "$merge_log")"
say "merge printed: $line"
[[ "$line" == "sbatch --array=1 "* ]] || die "the merge job's line does not re-run index 1 alone"
read -ra words <<<"$line"
submitted=$(SBATCH_OUTPUT="$run_dir/logs/again-%A_%a.log" S3SIM_BIN="$bin" "${words[@]}")
again="${submitted##* }"
say "$submitted"
wait_job "$again"
grep -h "kept from an earlier run" "$run_dir"/logs/again-*.log \
    || die "the re-run of index 1 did not finish: $(cat "$run_dir"/logs/again-*.log)"
"$bin" status "$run_dir/shards" >/dev/null || die "shards still incomplete after the re-run"
"$bin" merge "$run_dir"/shards/*-of-"$shards" --out "$scratch/merged" >/dev/null
diff -r "$plain" "$scratch/merged"
say "requeued index 0, cancelled index 1, re-ran index 1 with merge's line: merged == plain run (diff -r)"
