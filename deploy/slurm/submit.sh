#!/usr/bin/env bash
# Submit an s3sim run as a Slurm job array of N shards plus a merge job.
#
#   deploy/slurm/submit.sh SCENARIO.ron N [RUN_DIR] [-- s3sim run options]
#
# RUN_DIR (default: s3sim-runs/<scenario>-<UTC time> under the current directory, a
# new directory every time, never results/) gets shards/K-of-N, logs/ and, when all
# shards are done, merged/. Per task: S3SIM_CPUS (default 1), S3SIM_MEM (default 1G),
# S3SIM_TIME (default 01:00:00), S3SIM_PARTITION (default: the cluster's). The binary:
# S3SIM_BIN, else `s3sim` on PATH, else target/release/s3sim here. Submit from the
# directory you would run `s3sim run` from, so that the merged results equal an
# unsharded run's byte for byte. Prints the two job ids. A task's log is appended to,
# so a requeued or preempted task keeps the log of its earlier run.
set -euo pipefail
usage="usage: submit.sh SCENARIO.ron N [RUN_DIR] [-- s3sim run options]"
scenario="${1:?$usage}"
shards="${2:?$usage}"
shift 2
name="$(basename "$scenario" .ron)"
run_dir="s3sim-runs/$name-$(date -u +%Y%m%dT%H%M%SZ)"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then run_dir="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
case "$shards" in ''|*[!0-9]*|0) echo "N must be a whole number >= 1: $usage" >&2; exit 2 ;; esac
[ -f "$scenario" ] || { echo "no scenario file $scenario" >&2; exit 2; }
if [ -e "$run_dir/merged" ]; then echo "$run_dir/merged exists; give a new RUN_DIR" >&2; exit 2; fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${S3SIM_BIN:-}" ]; then
    S3SIM_BIN="$(command -v s3sim || echo "$PWD/target/release/s3sim")"
fi
export S3SIM_BIN
[ -x "$S3SIM_BIN" ] || { echo "s3sim binary not found ($S3SIM_BIN): build it or set S3SIM_BIN" >&2; exit 2; }
mkdir -p "$run_dir/shards" "$run_dir/logs"
resources=(--cpus-per-task="${S3SIM_CPUS:-1}" --mem="${S3SIM_MEM:-1G}" --time="${S3SIM_TIME:-01:00:00}")
[ -n "${S3SIM_PARTITION:-}" ] && resources+=(--partition="$S3SIM_PARTITION")
array=$(sbatch --parsable --array="0-$((shards - 1))" "${resources[@]}" \
    --output="$run_dir/logs/shard-%A_%a.log" --open-mode=append \
    "$here/sweep-array.sbatch" "$scenario" "$shards" "$run_dir/shards" "$@")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency="afterany:$array" --kill-on-invalid-dep=no \
    --cpus-per-task=1 --mem="${S3SIM_MEM:-1G}" --time="${S3SIM_TIME:-01:00:00}" \
    ${S3SIM_PARTITION:+--partition="$S3SIM_PARTITION"} \
    --output="$run_dir/logs/merge-%j.log" \
    "$here/merge.sbatch" "$run_dir/shards" "$shards" "$run_dir/merged")
merge="${merge%%;*}"
echo "array $array merge $merge run_dir $run_dir"
