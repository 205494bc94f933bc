#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test twice: in the Release build
# (build/) and in the AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/).
# usage: scripts/test.sh [--release-only | --sanitize-only]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
scripts/install-deps.sh
jobs=${QDES_JOBS:-2}
if [ "$mode" != "--sanitize-only" ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$jobs"
  ctest --test-dir build -j"$jobs" --output-on-failure
fi
if [ "$mode" != "--release-only" ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQDES_SANITIZE=ON -DQDES_BUILD_BENCH=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j"$jobs" --output-on-failure
fi
