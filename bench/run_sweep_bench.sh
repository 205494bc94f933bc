#!/usr/bin/env bash
# The sweep runner's own cost: a sweep of many short points (the M/M/1 queue to 2000 events, a few ms each) run with
# --jobs 1 and --jobs 2, timed whole. Overhead per point = (sweep wall time with --jobs 1 - the points' own
# simulation wall times, read from their run files) / points: process start, scenario checks, HDF5 files, campaign.
# usage: bench/run_sweep_bench.sh [BUILD_DIR] [POINTS]   (default: build, 64; Release build)
set -euo pipefail
build=${1:-build}
points=${2:-64}
qdes=$build/bin/qdes
[ -x "$qdes" ] || { echo "missing $qdes: build with cmake --build $build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seeds=$(seq -s ', ' 1 "$points")
cat > "$work/many.yaml" <<YAML
name: many
seed: 1
stop: {events: 2000}
components:
  src:  {kind: source, interarrival: 1 us}
  q:    {kind: queue}
  srv:  {kind: server, service: 0.8 us}
  out:  {kind: sink}
links:
  - {from: src.out, to: q.in}
  - {from: q.out, to: srv.in}
  - {from: srv.credit, to: q.credit}
  - {from: srv.out, to: out.in}
sweep:
  grid:
    components.q.capacity: [$seeds]
YAML
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for jobs in 1 2; do
  start=$(date +%s.%N)
  "$qdes" sweep "$work/many.yaml" --jobs "$jobs" -q --out "$work/j$jobs"
  end=$(date +%s.%N)
  sim=$(/usr/bin/python3 -c "
import glob, h5py, sys
total = 0.0
for p in glob.glob(sys.argv[1] + '/many-p*.h5'):
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
