#!/usr/bin/env bash
# `qdes detect` on one thread and on every core in one invocation: wall time of each (best of QDES_BENCH_ROUNDS,
# default 3, alternating), the speed-up, and a byte comparison of the two files (they must be equal).
# usage: bench/run_detect_threads_bench.sh [BUILD_DIR] [CIRCUIT] [SHOTS]
#   defaults: build, ../shared/reference/stim/surf_rot_z_d5_r5_p005.stim, 2000000
set -euo pipefail
build=${1:-build}
circuit=${2:-../shared/reference/stim/surf_rot_z_d5_r5_p005.stim}
shots=${3:-2000000}
qdes=$build/bin/qdes
[ -x "$qdes" ] || { echo "missing $qdes: build with cmake --build $build" >&2; exit 2; }
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A best
for round in $(seq "${QDES_BENCH_ROUNDS:-3}"); do
  for t in 1 "$cores"; do
    start=$(date +%s.%N)
    "$qdes" detect "$circuit" --shots "$shots" --seed 1 --out-format b8 --threads "$t" --no-progress --out "$work/t$t.b8"
    end=$(date +%s.%N)
    s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
    if [ -z "${best[$t]:-}" ] || awk -v x="$s" -v y="${best[$t]}" 'BEGIN { exit !(x < y) }'; then best[$t]=$s; fi
  done
done
cmp -s "$work/t1.b8" "$work/t$cores.b8" && same=yes || same=NO
echo "machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
awk -v n="$shots" -v c="$(basename "$circuit")" -v one="${best[1]}" -v all="${best[$cores]}" -v k="$cores" -v same="$same" \
  'BEGIN { printf "%s, %d shots to b8: 1 thread %.3f s, %d threads %.3f s, speed-up %.2fx; files identical: %s\n", c, n, one, k, all, one / all, same }'
[ "$same" = yes ]
