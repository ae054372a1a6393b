#!/bin/sh
# SPDX-License-Identifier: MIT
#
# replancpu.sh: the CPU time (user + sys) of `drawdown simulate` with
# re-planning on one thread, for two builds run in turn (so both see the
# same machine), under --replan full and --replan incremental; medians of
# the runs, the load average before and after, and whether the two
# builds' result files agree apart from the timing field ("seconds").
# Issue 19's figure: the Niger test model, 10,000 replications, at most
# 1.5 s of CPU (docs/sim.md, "Figures").
#
#   bench/replancpu.sh [--runs K] [--replications N] [--scenario FILE]
#                      [--replan full|incremental] OLD NEW
#
# OLD and NEW are drawdown executables (say a copy of build/drawdown made
# at the baseline commit, and build/drawdown). Defaults: 3 runs,
# 10,000 replications, tests/data/sim/niger.yaml, both policies. The
# theater's replication (issue 19): --scenario theater/scenario.yaml
# --replications 1 --replan incremental, and the same with --no-replan's
# cost (loading and planning) taken off by hand.
set -eu

runs=3
reps=10000
scen=$(dirname "$0")/../tests/data/sim/niger.yaml
modes="full incremental"
while [ $# -gt 2 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --replications) reps=$2; shift 2 ;;
    --scenario) scen=$2; shift 2 ;;
    --replan)
        case $2 in full | incremental) modes=$2 ;; *) echo "replancpu.sh: --replan full|incremental" >&2; exit 2 ;; esac
        shift 2 ;;
    *) echo "usage: replancpu.sh [--runs K] [--replications N] [--scenario FILE] [--replan MODE] OLD NEW" >&2
       exit 2 ;;
    esac
done
if [ $# -ne 2 ]; then
    echo "usage: replancpu.sh [--runs K] [--replications N] [--scenario FILE] [--replan MODE] OLD NEW" >&2
    exit 2
fi
old=$1
new=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one run: "cpu wall" (seconds), the result file kept without its timing
run() { # BIN MODE TAG
    /usr/bin/time -f "%U %S %e" -o "$tmp/time" "$1" simulate "$scen" --replications "$reps" \
        --threads 1 --no-sensitivity --seed 1 --replan "$2" -o "$tmp/out.json" \
        >"$tmp/stdout" 2>"$tmp/stderr"
    sed -E 's/"seconds": [0-9.e+-]+/"seconds": X/' "$tmp/out.json" >"$tmp/$3.json"
    awk '{printf "%.3f %.3f\n", $1 + $2, $3}' "$tmp/time"
}

median() { # FILE of "cpu wall" lines: "cpu wall" medians
    sort -n "$1" | awk '{c[NR] = $1} END {m = int((NR + 1) / 2); printf "%.2f", c[m]}'
    printf ' s CPU (min-max %s)' "$(sort -n "$1" | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f-%.2f", lo, hi}')"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $modes; do
    : >"$tmp/old.$mode"
    : >"$tmp/new.$mode"
    i=0
    while [ $i -lt "$runs" ]; do
        run "$old" $mode old >>"$tmp/old.$mode"
        run "$new" $mode new >>"$tmp/new.$mode"
        i=$((i + 1))
    done
    same=differ
    cmp -s "$tmp/old.json" "$tmp/new.json" && same=same
    printf '%-11s old %s, new %s; results %s\n' "$mode" "$(median "$tmp/old.$mode")" \
        "$(median "$tmp/new.$mode")" "$same"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
