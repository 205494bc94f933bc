#!/usr/bin/env bash
# The circuit search's agents against each other over several seeds: the best training objective each reaches
# (log tau at the training point; Toom's rule scores about 6.1 at L = 4, p = 0.01) with and without the
# curriculum, and the wall time of one whole search of each library scenario.
#
# usage: bench/run_search_bench.sh BUILD_DIR [SEEDS]   (from the repository root; default 5 seeds)
set -euo pipefail
build=${1:?usage: bench/run_search_bench.sh BUILD_DIR [SEEDS]}
seeds=${2:-5}
qdes="$build/bin/qdes"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
best() {
  /usr/bin/python3 -c "
import h5py, sys
f = h5py.File(sys.argv[1]); c = f['curve'][:]
for a in sorted(set(c['agent'])):
    rows = c[c['agent'] == a]
    print(a.decode(), '%.3f' % rows['best_so_far'][-1], int(rows['evaluations'][-1]))" "$1"
}
echo "scenario ising_extended_gates (budget 400 rules per agent): best training objective per seed"
printf "%-11s %-10s" "curriculum" "agent"; for s in $(seq 1 "$seeds"); do printf " %8s" "seed $s"; done; echo
for curriculum in 0 0.5; do
  declare -A row=()
  for s in $(seq 1 "$seeds"); do
    "$qdes" search scenarios/search/ising_extended_gates.yaml --out "$out" --overwrite --no-plots -q --seed "$s" \
      --set agents.curriculum=$curriculum --set evaluation.points=[] --set evaluation.shots=64 \
      --set evaluation.max_rounds=10 >/dev/null
    while read -r agent obj evals; do row[$agent]+=" $(printf %8s "$obj")"; done < <(best "$out/ising_extended_gates-search.h5")
  done
  for agent in reinforce random; do printf "%-11s %-10s%s\n" "$curriculum" "$agent" "${row[$agent]}"; done
  unset row
done
echo
echo "whole searches (seed 1, both agents, re-evaluation included), wall and CPU seconds on $(nproc) cores:"
for s in ising_toom_gates ising_extended_gates toric4d_gates; do
  /usr/bin/time -f "$s %e s wall, %U s user" "$qdes" search "scenarios/search/$s.yaml" --out "$out" --overwrite \
    --no-plots -q >/dev/null
done
