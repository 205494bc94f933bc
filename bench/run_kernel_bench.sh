#!/usr/bin/env bash
# Runs the kernel benchmark and its SystemC twin in one invocation and prints both rates and their ratio.
# Each program runs QDES_BENCH_ROUNDS (default 5) times, alternating, and the best rate of each is kept: this machine's speed drifts between
# runs (a shared virtual machine), and the best run is the least disturbed for both kernels alike.
# usage: bench/run_kernel_bench.sh [BUILD_DIR]   (default: build; configure with QDES_BUILD_BENCH=ON, Release)
set -euo pipefail
build=${1:-build}
bin=$build/bin
for b in qdes_kernel_bench systemc_kernel_bench; do
  [ -x "$bin/$b" ] || { echo "missing $bin/$b: build with cmake --build $build" >&2; exit 2; }
done
export SC_COPYRIGHT_MESSAGE=DISABLE
all=""
for round in $(seq "${QDES_BENCH_ROUNDS:-5}"); do
  all+=$("$bin/qdes_kernel_bench")$'\n'
  all+=$("$bin/systemc_kernel_bench" ring 2>/dev/null | grep '^systemc')$'\n'
  all+=$("$bin/systemc_kernel_bench" jitter 2>/dev/null | grep '^systemc')$'\n'
done
echo "$all" | grep -v '^$'
best() { sed -n "s/^$1 $2 .*rate=\([0-9.e+]*\).*/\1/p" <<<"$all" | sort -g | tail -1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for w in ring jitter; do
  q=$(best qdes $w); s=$(best systemc $w)
  awk -v w=$w -v n="${QDES_BENCH_ROUNDS:-5}" -v q="$q" -v s="$s" 'BEGIN { printf "%-7s best of %d: qdes %.3g events/s, SystemC %.3g events/s, ratio %.2fx\n", w, n, q, s, q / s }'
done
