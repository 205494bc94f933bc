#!/usr/bin/env bash
# The sweep runner's own cost: a sweep of many short points (the M/M/1 queue to 2000 customers, a few ms each) run with
# --jobs 1 and --jobs 2 and, when mpirun is installed, as the MPI task farm under mpirun -n 2 and -n 3 (one and two
# workers), timed whole. Overhead per point = (sweep wall time x workers - the points' own simulation wall times,
# read from their run files) / points: process start (--jobs), scenario checks, HDF5 files, campaign, and for MPI
# the start of mpirun and its ranks.
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
modes=("jobs 1" "jobs 2")
command -v mpirun >/dev/null && modes+=("mpi 2" "mpi 3")
for mode in "${modes[@]}"; do
  read -r kind n <<<"$mode"
  out="$work/$kind$n"
  start=$(date +%s.%N)
  fixed=0
  if [ "$kind" = jobs ]; then
    "$qdes" sweep "$work/many.yaml" "${short[@]}" --jobs "$n" -q --out "$out"
    workers=$n
    label="--jobs $n"
  else
    # MPI's own start and end (mpirun, MPI_Init, MPI_Finalize), paid once per sweep: the same command with --count.
    s0=$(date +%s.%N)
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -n "$n" \
      "$qdes" sweep "$work/many.yaml" "${short[@]}" --mpi --count >/dev/null
    fixed=$(awk -v s="$s0" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
    start=$(date +%s.%N)
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -n "$n" \
      "$qdes" sweep "$work/many.yaml" "${short[@]}" --mpi -q --out "$out"
    workers=$((n - 1))
    label="mpirun -n $n"
  fi
  end=$(date +%s.%N)
  sim=$(/usr/bin/python3 -c "
import glob, h5py, sys
total = 0.0
for p in glob.glob(sys.argv[1] + '/mm1-p*.h5'):
    with h5py.File(p) as f:
        rows = {r['name'].decode(): r['value'] for r in f['summary'][:]}
        total += rows['wall_time']
print(total)" "$out")
  awk -v l="$label" -v j="$workers" -v n="$points" -v s="$start" -v e="$end" -v sim="$sim" -v f="$fixed" 'BEGIN {
    w = e - s
    printf "%s: %d points in %.3f s, %.1f points/s; the points simulate %.3f s in all; runner overhead %.2f ms per point%s",
           l, n, w, n / w, sim, 1000 * (w * j - sim) / n, (j > 1 ? " (wall x workers, an upper bound)" : "")
    if (f > 0) printf "; MPI start and end %.3f s, overhead beyond it %.2f ms per point", f, 1000 * ((w - f) * j - sim) / n
    printf "\n"
  }'
done
