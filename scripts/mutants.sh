#!/usr/bin/env bash
# Mutation testing of the model's core (docs/testing.md): install cargo-mutants if it is
# missing, then mutate the given model source files (default: the core list below) and
# run the model crate's tests against each mutant. Not part of CI (hours on 2 cores).
#
# Usage: scripts/mutants.sh [FILE...]          e.g. scripts/mutants.sh crates/model/src/fault.rs
# Environment: JOBS (parallel mutants, default 1), TIMEOUT (seconds per test run, default
# 600, or 60 with SKIP_TESTS: the tests then take about 5 s, and a mutant that hangs
# them, e.g. an arrival time that never advances, costs the whole timeout), OUT (output
# directory, default a fresh `mktemp -d`; never committed),
# MUTANTS_TARGET (the build directory every mutant shares, default target/mutants),
# BASELINE (run or skip: skip the unmutated baseline run when running file by file after
# a first baseline has passed on the same tree), SKIP_TESTS (names of integration test
# targets of crates/model/tests to leave out, e.g. "erlang_c": a triage run; a mutant
# it misses must be re-run with every test before it counts as missed, see
# docs/mutation.md), IN_PLACE=1 (mutate this tree itself instead of a fresh copy per
# run: only for a throwaway copy of the tree, e.g. `git archive HEAD | tar -x -C DIR`;
# every run then reuses one build of the workspace's own crates).
# Equivalent mutants are excluded in .cargo/mutants.toml, each with its reason.
#
# Each mutant rebuilds the model crate and its test binaries: with the `release-tests` profile
# at opt-level 1, incremental, no debug info, in one build directory shared by every
# mutant and every run (with JOBS=1; not a copy of target/ per run), that is 20-30 s a
# mutant instead of about 4 min on two busy cores; the tests still run optimised.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-mutants >/dev/null 2>&1; then
    echo "== installing cargo-mutants (cargo install --locked cargo-mutants)"
    cargo install --locked cargo-mutants
fi

core=(
    crates/model/src/world/arrivals.rs
    crates/model/src/world/clients.rs
    crates/model/src/world/dns_path.rs
    crates/model/src/world/station.rs
    crates/model/src/world/faults.rs
    crates/model/src/world/edge.rs
    crates/model/src/world/request.rs
    crates/model/src/world/mod.rs
    crates/model/src/client/addressing.rs
    crates/model/src/client/class.rs
    crates/model/src/client/dns_cache.rs
    crates/model/src/client/redirect.rs
    crates/model/src/client/retry.rs
    crates/model/src/client/memory.rs
    crates/model/src/dns/host.rs
    crates/model/src/dns/authoritative.rs
    crates/model/src/dns/resolver.rs
    crates/model/src/dns/chain.rs
    crates/model/src/dns/cache.rs
    crates/model/src/facility.rs
    crates/model/src/fault.rs
    crates/model/src/endpoints.rs
    crates/model/src/bucket.rs
)
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=("${core[@]}")
fi
args=()
for f in "${files[@]}"; do
    args+=(--file "$f")
done
out=${OUT:-$(mktemp -d)}
export CARGO_PROFILE_RELEASE_TESTS_OPT_LEVEL=${CARGO_PROFILE_RELEASE_TESTS_OPT_LEVEL:-1}
export CARGO_PROFILE_RELEASE_TESTS_INCREMENTAL=${CARGO_PROFILE_RELEASE_TESTS_INCREMENTAL:-true}
export CARGO_PROFILE_RELEASE_TESTS_DEBUG=${CARGO_PROFILE_RELEASE_TESTS_DEBUG:-0}
shared=()
if [ "${JOBS:-1}" = 1 ]; then
    # One build directory for every mutant (parallel jobs each need their own copy).
    export CARGO_TARGET_DIR=${MUTANTS_TARGET:-$PWD/target/mutants}
    shared=(--copy-target=false)
fi
jobs=(--jobs "${JOBS:-1}")
if [ "${IN_PLACE:-0}" = 1 ]; then
    shared=(--in-place)
    jobs=()
fi
config=()
timeout=600
if [ -n "${SKIP_TESTS:-}" ]; then
    timeout=60
    # .cargo/mutants.toml runs every test target (`--tests`): name the others instead,
    # and repeat the file's profile and exclusions on the command line.
    config=(--no-config --profile release --cargo-test-arg=--lib)
    for t in crates/model/tests/*.rs crates/model/tests/*/main.rs; do
        name=$(basename "$t" .rs)
        [ "$name" = main ] && name=$(basename "$(dirname "$t")")
        case " $SKIP_TESTS " in *" $name "*) continue ;; esac
        config+=("--cargo-test-arg=--test=$name")
    done
    while IFS= read -r re; do
        config+=(--exclude-re "$re")
    done < <(sed -n '/^exclude_re/,/^]/s/^ *"\(.*\)",$/\1/p' .cargo/mutants.toml)
fi
echo "== cargo mutants on ${#files[@]} file(s), output in $out/mutants.out"
cargo mutants "${config[@]}" --package s3sim-model --test-package s3sim-model --no-shuffle \
    "${jobs[@]}" --timeout "${TIMEOUT:-$timeout}" --baseline "${BASELINE:-run}" \
    "${shared[@]}" --output "$out" "${args[@]}"
