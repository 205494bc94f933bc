#!/usr/bin/env bash
# The sweep runner's own cost: a sweep of many short points (the M/M/1 queue to 2000 customers, a few ms each) run with
# --jobs 1 and --jobs 2, timed whole. Overhead per point = (sweep wall time with --jobs 1 - the points' own
# simulation wall times, read from their run files) / points: process start, scenario checks, HDF5 files, campaign.
# usage: bench/run_sweep_bench.sh [BUILD_DIR] [POINTS]   (default: build, 64; Release build; from the repository root)
set -euo pipefail
build=${1:-build}
points=${2:-64}
qdes=$build/bin/qdes
[ -x "$qdes" ] || { echo "missing $qdes: build with cmake --build $build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The library's M/M/1 scenario with a sweep: block over the queue's capacity (a label: 2000 customers each);
# --set below cuts each point to 2000 customers with no warm-up and no trace.
capacities=$(seq -s ', ' 1 "$points")
{ cat scenarios/queueing/mm1.yaml; printf 'sweep:\n  grid:\n    components.queue.capacity: [%s]\n' "$capacities"; } \
  > "$work/many.yaml"
short=(--set "warmup=0 s" --set stop.when.at_least=2000 --set "record.trace=[]")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for jobs in 1 2; do
  start=$(date +%s.%N)
  "$qdes" sweep "$work/many.yaml" "${short[@]}" --jobs "$jobs" -q --out "$work/j$jobs"
  end=$(date +%s.%N)
  sim=$(/usr/bin/python3 -c "
import glob, h5py, sys
total = 0.0
for p in glob.glob(sys.argv[1] + '/mm1-p*.h5'):
    with h5py.File(p) as f:
        rows = {r['name'].decode(): r['value'] for r in f['summary'][:]}
        total += rows['wall_time']
print(total)" "$work/j$jobs")
  awk -v j="$jobs" -v n="$points" -v s="$start" -v e="$end" -v sim="$sim" 'BEGIN {
    w = e - s
    printf "--jobs %d: %d points in %.3f s, %.1f points/s; the points simulate %.3f s in all; runner overhead %.2f ms per point%s\n",
           j, n, w, n / w, sim, 1000 * (w * j - sim) / n, (j > 1 ? " (wall x jobs, an upper bound)" : "")
  }'
done
