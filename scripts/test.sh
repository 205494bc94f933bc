#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test twice: in the Release build
# (build/) and in the AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/); then runs every fuzz
# harness for QDES_FUZZ_SECONDS (default 30) each under libFuzzer (scripts/fuzz.sh, Clang, build-fuzz/).
# usage: scripts/test.sh [--release-only | --sanitize-only | --fuzz-only]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
case "$mode" in
  all | --release-only | --sanitize-only | --fuzz-only) ;;
  *) echo "usage: scripts/test.sh [--release-only | --sanitize-only | --fuzz-only]" >&2; exit 2 ;;
esac
scripts/install-deps.sh
jobs=${QDES_JOBS:-2}
if [ "$mode" = all ] || [ "$mode" = --release-only ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$jobs"
  ctest --test-dir build -j"$jobs" --output-on-failure
fi
if [ "$mode" = all ] || [ "$mode" = --sanitize-only ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQDES_SANITIZE=ON -DQDES_BUILD_BENCH=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j"$jobs" --output-on-failure
fi
if [ "$mode" = all ] || [ "$mode" = --fuzz-only ]; then
  scripts/fuzz.sh "${QDES_FUZZ_SECONDS:-30}"
fi
