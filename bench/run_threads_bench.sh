#!/usr/bin/env bash
# One point on one thread and on every core, in one invocation: wall time of each (best of QDES_BENCH_ROUNDS,
# default 3, alternating), the speed-up, and whether the results are identical (they must be):
#   detect   `qdes detect` of Stim's surface d=5 p=0.005 circuit, 2 000 000 shots to b8 (the files compared)
#   quantum  `quantum_memory`: Toom's LEC on the L=32 Ising memory, 131 072 shots (statistics compared)
#   surface  `quantum_memory`: surface d=5 p=0.005, 4 000 000 shots (statistics compared)
#   lec      `lec_memory`: Toom's automaton at L=16, p=0.05, 32 768 shots, up to 2000 rounds (statistics compared)
# usage: bench/run_threads_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
build=${1:-build}
qdes=$build/bin/qdes
[ -x "$qdes" ] || { echo "missing $qdes: build with cmake --build $build" >&2; exit 2; }
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=../shared/reference/stim
declare -A cmd
cmd[detect]="$qdes detect $ref/surf_rot_z_d5_r5_p005.stim --shots 2000000 --seed 1 --out-format b8 --no-progress --threads @T@ --out $work/detect-@T@.b8"
cmd[quantum]="$qdes run scenarios/quantum/toom_ising_l32.yaml --set components.memory.shots=131072 --set components.memory.threads=@T@ --out $work/quantum-@T@ --overwrite --no-progress"
cmd[surface]="$qdes run scenarios/quantum/surface_d5.yaml --set components.memory.shots=4000000 --set record.trace=[] --set components.memory.threads=@T@ --out $work/surface-@T@ --overwrite --no-progress"
cmd[lec]="$qdes run scenarios/lec/toom_circuit_l6.yaml --set components.memory.rule=toom_automaton --set components.memory.size=16 --set components.memory.p=0.05 --set components.memory.shots=32768 --set components.memory.max_rounds=2000 --set components.memory.threads=@T@ --out $work/lec-@T@ --overwrite --no-progress"
echo "machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
status=0
for name in detect quantum surface lec; do
  declare -A best=()
  for round in $(seq "${QDES_BENCH_ROUNDS:-3}"); do
    for t in 1 "$cores"; do
      c=${cmd[$name]//@T@/$t}
      start=$(date +%s.%N)
      $c > "$work/$name-$t.out"
      end=$(date +%s.%N)
      s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
      if [ -z "${best[$t]:-}" ] || awk -v x="$s" -v y="${best[$t]}" 'BEGIN { exit !(x < y) }'; then best[$t]=$s; fi
    done
  done
  if [ "$name" = detect ]; then
    cmp -s "$work/detect-1.b8" "$work/detect-$cores.b8" && same=yes || same=NO
  else
    # the statistics block of `qdes run`, without the output path
    strip() { grep -v '^output:' "$1" | sed 's/, [0-9.e+]* s wall.*//'; }
    diff <(strip "$work/$name-1.out") <(strip "$work/$name-$cores.out") >/dev/null && same=yes || same=NO
  fi
  [ "$same" = yes ] || status=1
  awk -v n="$name" -v one="${best[1]}" -v all="${best[$cores]}" -v k="$cores" -v same="$same" \
    'BEGIN { printf "%-8s 1 thread %.3f s, %d threads %.3f s, speed-up %.2fx; results identical: %s\n", n, one, k, all, one / all, same }'
  unset best
done
exit $status
