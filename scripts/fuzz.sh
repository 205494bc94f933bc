#!/usr/bin/env bash
# Builds the libFuzzer programs (Clang, ASan + UBSan, build-fuzz/) and runs each for a bounded time from its corpus
# in fuzz/corpus/<harness>/. New interesting inputs go to build-fuzz/corpus/<harness>/ (the repository's corpus is
# only read); a finding stops with the input in build-fuzz/findings/<harness>/ and a non-zero exit. Keep a finding's
# input as fuzz/corpus/<harness>/regression-<what>, fix the bug, and the replay test holds it fixed in every build.
# usage: scripts/fuzz.sh [SECONDS_PER_HARNESS (default 30)] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
jobs=${QDES_JOBS:-2}
scripts/install-deps.sh
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DQDES_FUZZ=ON -DQDES_BUILD_TESTS=OFF -DQDES_BUILD_BENCH=OFF -DQDES_BUILD_PYTHON=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_all
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  harnesses=(); for d in fuzz/corpus/*/; do harnesses+=("$(basename "$d")"); done
fi
status=0
for h in "${harnesses[@]}"; do
  work=build-fuzz/corpus/$h findings=build-fuzz/findings/$h
  mkdir -p "$work" "$findings"
  echo "fuzz $h: $seconds s" >&2
  # -seed: the same mutations on every run of the same build; limits: one input may use 2 GiB and 10 s.
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      build-fuzz/bin/fuzz_"$h" "$work" "fuzz/corpus/$h" -seed=1 -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$findings/" -close_fd_mask=1 2> "build-fuzz/$h.log"; then
    echo "fuzz $h: FINDING (build-fuzz/$h.log, input in $findings/)" >&2
    # What CI shows: the finding, the sanitizer's report and the stack (the input itself stays in $findings/).
    grep -E "qdes fuzz finding|ERROR: |SUMMARY" "build-fuzz/$h.log" | head -5 >&2 || true
    grep -E "^ +#[0-9]+ " "build-fuzz/$h.log" | head -25 >&2 || true
    for f in "$findings"/*; do  # small inputs in full, to reproduce a CI finding: base64 -d > input
      if [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 4096 ]; then
        echo "input $(basename "$f") (base64): $(base64 -w0 "$f")" >&2
      fi
    done
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "build-fuzz/$h.log" | tr '\n' ' ' >&2; echo >&2
  fi
done
exit $status
